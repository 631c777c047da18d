package lessons

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
)

// BenchmarkCheckLessons checks every lesson's default-length history, for
// its default (buggy) variant and its fix, under its own faults, under
// each nemesis alone and under all of them overlapping: the goal is a
// second or less each. It reports the
// check's time (the run is not timed) and the live heap it left at its
// peak sample, and fails on an unknown verdict.
//
//	go test ./lessons -run XXX -bench CheckLessons -benchtime 1x
func BenchmarkCheckLessons(b *testing.B) {
	kinds := []string{"default", "all"}
	for _, k := range sim.AllNemeses() {
		kinds = append(kinds, string(k))
	}
	for _, l := range All() {
		variants := []string{l.DefaultVariant()}
		if l.HasFix() {
			variants = append(variants, "fixed")
		}
		for _, v := range variants {
			for _, kind := range kinds {
				b.Run(l.ID+"/"+v+"/"+kind, func(b *testing.B) {
					h := runHistory(b, l, nemesisOptions(v, 1, kind))
					sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
					var peak uint64
					b.ResetTimer()
					for b.Loop() {
						res, err := l.Check(context.Background(), h, checker.Options{Progress: func(int, int) {
							metrics.Read(sample)
							peak = max(peak, sample[0].Value.Uint64())
						}})
						if err != nil {
							b.Fatal(err)
						}
						if res.Verdict == checker.Unknown {
							b.Fatalf("unknown: %s", res.Reason)
						}
					}
					b.ReportMetric(float64(peak)/(1<<20), "live-MB")
				})
			}
		}
	}
}

// BenchmarkCheckSlowest checks the slowest histories TestCheckSweep found
// (lesson/variant/nemesis/seed), each at its default length: the goal is
// a second or less each. Before symmetry.go and the counter's bitset, the
// first three took 70 s, over 10 s and 1.9 s of CPU.
//
//	go test ./lessons -run XXX -bench CheckSlowest -benchtime 3x
func BenchmarkCheckSlowest(b *testing.B) {
	for _, name := range []string{
		"lww-clocks/wall-clock/all/1",
		"racy-cas/read-then-write/partition-ring/10",
		"timeouts-are-unknown/timeout-as-fail/all/5",
		"timeouts-are-unknown/timeout-as-fail/partition/20",
		"racy-cas/read-then-write/all/11",
		"unclean-election/unclean/crash/7",
	} {
		b.Run(name, func(b *testing.B) {
			p := strings.Split(name, "/")
			l, err := Get(p[0])
			if err != nil {
				b.Fatal(err)
			}
			seed, _ := strconv.ParseUint(p[3], 10, 64)
			h := runHistory(b, l, nemesisOptions(p[1], seed, p[2]))
			var cpu time.Duration
			b.ResetTimer()
			for b.Loop() {
				before := cpuTime()
				res, err := l.Check(context.Background(), h, checker.Options{Timeout: time.Minute})
				cpu += cpuTime() - before
				if err != nil {
					b.Fatal(err)
				}
				if res.Verdict == checker.Unknown {
					b.Fatalf("unknown: %s", res.Reason)
				}
			}
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// TestCheckSweep (FAULTLINE_SWEEP=1) checks every variant of every lesson
// at its default length, under its own faults, each nemesis alone and
// all of them overlapping, for seeds 1–20, and logs the slowest checks by
// CPU time (the machine is shared, so wall time says little). It finds
// the histories BenchmarkCheckLessons should hold; it asserts only that
// no verdict is unknown.
//
//	FAULTLINE_SWEEP=1 go test ./lessons -run CheckSweep -v -timeout 60m
func TestCheckSweep(t *testing.T) {
	t.Parallel()
	if os.Getenv("FAULTLINE_SWEEP") != "1" {
		t.Skip("FAULTLINE_SWEEP=1 runs the sweep")
	}
	kinds := []string{"default", "all"}
	for _, k := range sim.AllNemeses() {
		kinds = append(kinds, string(k))
	}
	if only := os.Getenv("FAULTLINE_SWEEP_KINDS"); only != "" {
		kinds = strings.Split(only, ",")
	}
	type timing struct {
		name string
		cpu  time.Duration
		ops  int
	}
	var all []timing
	for _, l := range All() {
		if only := os.Getenv("FAULTLINE_SWEEP_LESSON"); only != "" && only != l.ID {
			continue
		}
		for _, v := range l.variantNames() {
			for _, kind := range kinds {
				for seed := uint64(1); seed <= 20; seed++ {
					h := runHistory(t, l, nemesisOptions(v, seed, kind))
					before := cpuTime()
					res, err := l.Check(context.Background(), h, checker.Options{})
					cpu := cpuTime() - before
					name := fmt.Sprintf("%s/%s/%s/seed%d", l.ID, v, kind, seed)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if res.Verdict == checker.Unknown {
						t.Errorf("%s: unknown: %s", name, res.Reason)
					}
					if cpu > 500*time.Millisecond {
						t.Logf("slow: %8.3fs cpu  %5d ops  %s", cpu.Seconds(), len(h), name)
					}
					all = append(all, timing{name, cpu, len(h)})
				}
			}
		}
	}
	slices.SortFunc(all, func(a, b timing) int { return cmp.Compare(b.cpu, a.cpu) })
	t.Logf("%d checks; the slowest:", len(all))
	for _, x := range all[:min(30, len(all))] {
		t.Logf("%8.3fs cpu  %5d ops  %s", x.cpu.Seconds(), x.ops, x.name)
	}
}

// nemesisOptions is a variant and seed under kind: "default" (the
// lesson's own faults), "all" (every nemesis, overlapping) or one nemesis.
func nemesisOptions(variant string, seed uint64, kind string) Options {
	o := Options{Variant: variant, Seed: seed}
	switch kind {
	case "default":
	case "all":
		o.Nemesis = sim.AllNemeses()
	default:
		o.Nemesis = []sim.Nemesis{sim.Nemesis(kind)}
	}
	return o
}

// cpuTime is the process's user and system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
