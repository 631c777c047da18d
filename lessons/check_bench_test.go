package lessons

import (
	"context"
	"runtime/metrics"
	"testing"

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
					o := Options{Variant: v, Seed: 1}
					switch kind {
					case "default":
					case "all":
						o.Nemesis = sim.AllNemeses()
					default:
						o.Nemesis = []sim.Nemesis{sim.Nemesis(kind)}
					}
					sc, err := l.Scenario(o)
					if err != nil {
						b.Fatal(err)
					}
					s, _, err := Run(sc)
					if err != nil {
						b.Fatal(err)
					}
					h := s.History()
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
