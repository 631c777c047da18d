package checker

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/faultline-lab/faultline/history"
)

// Benchmarks: every etcd log through faultline and through porcupine
// called directly (its own test's model and parser); shrinking a
// 1,000-operation failing register history; a 100,000-operation key-value
// history checked per key.

func etcdLogs(b *testing.B) []string {
	dir := porcupineDir(b)
	paths, err := filepath.Glob(filepath.Join(dir, "test_data/jepsen/etcd_*.log"))
	if err != nil || len(paths) < 100 {
		b.Fatalf("etcd logs: %v (%d)", err, len(paths))
	}
	return paths
}

// BenchmarkEtcdLogs checks every etcd log with porcupine called directly
// and with Check, interleaved file by file so that both see the same
// machine load, and reports each side's time per pass and their ratio.
func BenchmarkEtcdLogs(b *testing.B) {
	for _, mode := range []struct {
		name        string
		verdictOnly bool
	}{{"verdict", true}, {"with-witness", false}} {
		b.Run(mode.name, func(b *testing.B) {
			var hs []history.History
			var evs [][]porcupine.Event
			for _, p := range etcdLogs(b) {
				h, _, err := history.ReadFile(p, history.FormatEtcdLog)
				if err != nil {
					b.Fatal(err)
				}
				hs = append(hs, h)
				evs = append(evs, parseJepsenLog(b, p))
			}
			var direct, ours time.Duration
			b.ResetTimer()
			for b.Loop() {
				for i, h := range hs {
					start := time.Now()
					want := porcupine.CheckEvents(etcdModel, evs[i])
					direct += time.Since(start)
					start = time.Now()
					res, err := Check(context.Background(), h, Options{Model: "cas-register", VerdictOnly: mode.verdictOnly})
					ours += time.Since(start)
					if err != nil || (res.Verdict == Linearizable) != want {
						b.Fatalf("%d: %v %s, porcupine %v", i, err, res.Verdict, want)
					}
				}
			}
			b.ReportMetric(float64(direct.Nanoseconds())/float64(b.N), "porcupine-ns/op")
			b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "faultline-ns/op")
			b.ReportMetric(float64(ours)/float64(direct), "ratio")
		})
	}
}

// etcdModel, etcdInput, etcdOutput and parseJepsenLog are porcupine's own
// (porcupine_test.go, v1.3.1), for the direct comparison.
type etcdInput struct {
	op   uint8 // 0 => read, 1 => write, 2 => cas
	arg1 int
	arg2 int
}

type etcdOutput struct {
	ok      bool
	exists  bool
	value   int
	unknown bool
}

var etcdModel = porcupine.Model{
	Init: func() any { return -1000000 },
	Step: func(state, input, output any) (bool, any) {
		st := state.(int)
		inp := input.(etcdInput)
		out := output.(etcdOutput)
		if inp.op == 0 {
			ok := (!out.exists && st == -1000000) || (out.exists && st == out.value) || out.unknown
			return ok, state
		} else if inp.op == 1 {
			return true, inp.arg1
		}
		ok := (inp.arg1 == st && out.ok) || (inp.arg1 != st && !out.ok) || out.unknown
		result := st
		if inp.arg1 == st {
			result = inp.arg2
		}
		return ok, result
	},
}

func parseJepsenLog(b testing.TB, filename string) []porcupine.Event {
	file, err := os.Open(filename)
	if err != nil {
		b.Fatal(err)
	}
	defer file.Close()
	invokeRead := regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:invoke\s+:read\s+nil$`)
	invokeWrite := regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:invoke\s+:write\s+(\d+)$`)
	invokeCas := regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:invoke\s+:cas\s+\[(\d+)\s+(\d+)\]$`)
	returnRead := regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:ok\s+:read\s+(nil|\d+)$`)
	returnWrite := regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:ok\s+:write\s+(\d+)$`)
	returnCas := regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(ok|fail)\s+:cas\s+\[(\d+)\s+(\d+)\]$`)
	timeoutRead := regexp.MustCompile(`^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:fail\s+:read\s+:timed-out$`)
	var events []porcupine.Event
	id := 0
	procIDs := map[int]int{}
	sc := bufio.NewScanner(file)
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	call := func(proc int, in etcdInput) {
		events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.CallEvent, Value: in, Id: id})
		procIDs[proc] = id
		id++
	}
	ret := func(proc int, out etcdOutput) {
		events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.ReturnEvent, Value: out, Id: procIDs[proc]})
		delete(procIDs, proc)
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case invokeRead.MatchString(line):
			a := invokeRead.FindStringSubmatch(line)
			call(atoi(a[1]), etcdInput{op: 0})
		case invokeWrite.MatchString(line):
			a := invokeWrite.FindStringSubmatch(line)
			call(atoi(a[1]), etcdInput{op: 1, arg1: atoi(a[2])})
		case invokeCas.MatchString(line):
			a := invokeCas.FindStringSubmatch(line)
			call(atoi(a[1]), etcdInput{op: 2, arg1: atoi(a[2]), arg2: atoi(a[3])})
		case returnRead.MatchString(line):
			a := returnRead.FindStringSubmatch(line)
			out := etcdOutput{}
			if a[2] != "nil" {
				out.exists, out.value = true, atoi(a[2])
			}
			ret(atoi(a[1]), out)
		case returnWrite.MatchString(line):
			ret(atoi(returnWrite.FindStringSubmatch(line)[1]), etcdOutput{})
		case returnCas.MatchString(line):
			a := returnCas.FindStringSubmatch(line)
			ret(atoi(a[1]), etcdOutput{ok: a[2] == "ok"})
		case timeoutRead.MatchString(line):
			ret(atoi(timeoutRead.FindStringSubmatch(line)[1]), etcdOutput{unknown: true})
		}
	}
	for proc, match := range procIDs {
		events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.ReturnEvent, Value: etcdOutput{unknown: true}, Id: match})
	}
	return events
}

// registerHistory is n operations of procs processes on a correct
// register (each taking effect at a random moment of its interval), keyed
// over keys keys when keys > 0; with stale, the last read returns a value
// overwritten long before.
func registerHistory(seed uint64, n, procs, keys int, stale bool) history.History {
	r := rand.New(rand.NewPCG(seed, 7))
	type flight struct {
		f, key  string
		v       any
		applied bool
	}
	state := map[string]any{}
	var h history.History
	inflight := map[int]*flight{}
	invoked := 0
	add := func(p int, t history.Type, f *flight, v any) {
		h = append(h, history.Op{Index: int64(len(h)), Time: int64(len(h)) * 1000, Process: history.Process(p), Type: t, F: f.f, Key: f.key, Value: v})
	}
	for invoked < n || len(inflight) > 0 {
		p := r.IntN(procs)
		fl := inflight[p]
		switch {
		case fl == nil && invoked < n:
			fl = &flight{f: "read"}
			if keys > 0 {
				fl.key = strconv.Itoa(r.IntN(keys))
			}
			if r.IntN(2) == 0 {
				fl.f, fl.v = "write", int64(invoked)
			}
			inflight[p] = fl
			invoked++
			add(p, history.Invoke, fl, fl.v)
		case fl == nil:
		case !fl.applied:
			fl.applied = true
			if fl.f == "write" {
				state[fl.key] = fl.v
			} else {
				fl.v = state[fl.key]
			}
		default:
			delete(inflight, p)
			add(p, history.OK, fl, fl.v)
		}
	}
	if stale {
		var first any
		for _, o := range h {
			if o.F == "write" && o.Type == history.OK {
				first = o.Value
				break
			}
		}
		p := history.Process(procs)
		h = append(h, history.Op{Index: int64(len(h)), Process: p, Type: history.Invoke, F: "read"},
			history.Op{Index: int64(len(h) + 1), Process: p, Type: history.OK, F: "read", Value: first})
	}
	return h
}

func BenchmarkShrinkRegister1000(b *testing.B) {
	h := registerHistory(1, 1000, 5, 0, true)
	res := mustCheck(b, h, Options{Model: "register"})
	if res.Verdict != NotLinearizable || !res.WitnessMinimal {
		b.Fatalf("setup: %s minimal=%v", res.Verdict, res.WitnessMinimal)
	}
	b.ResetTimer()
	for b.Loop() {
		res = mustCheck(b, h, Options{Model: "register"})
	}
	b.ReportMetric(float64(countOps(res.Witness)), "witness-ops")
}

func BenchmarkKV100k(b *testing.B) {
	for _, keys := range []int{100, 1000} {
		b.Run(fmt.Sprintf("keys=%d", keys), func(b *testing.B) {
			h := registerHistory(2, 100_000, 10, keys, false)
			b.ResetTimer()
			for b.Loop() {
				res := mustCheck(b, h, Options{Model: "kv", Timeout: time.Minute})
				if res.Verdict != Linearizable {
					b.Fatalf("verdict %s", res.Verdict)
				}
			}
		})
	}
}

// TestShrinkLargeHistory keeps the 1,000-operation shrink honest in the
// ordinary test run: it must finish well within its budget, minimal.
func TestShrinkLargeHistory(t *testing.T) {
	h := registerHistory(1, 1000, 5, 0, true)
	start := time.Now()
	res := mustCheck(t, h, Options{Model: "register"})
	el := time.Since(start)
	if res.Verdict != NotLinearizable || res.Anomaly != AnomalyStaleRead {
		t.Fatalf("%s %q", res.Verdict, res.Anomaly)
	}
	if n := countOps(res.Witness); n > 4 {
		t.Errorf("witness of %d operations", n)
	}
	assertMinimalWitness(t, h, res, Options{Model: "register"})
	if el > 5*time.Second {
		t.Errorf("took %v", el)
	}
	t.Logf("1,000-op history shrunk to %d records in %v", len(res.Witness), el)
}
