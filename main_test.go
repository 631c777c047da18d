package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/faultline-lab/faultline/lessons"
	"os"
	"path/filepath"
	"testing"
)

// cli runs faultline in-process and returns its exit code, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunIsDeterministic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seeds := 100
	if testing.Short() {
		seeds = 10
	}
	for seed := 1; seed <= seeds; seed++ {
		a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.edn")
		s := fmt.Sprint(seed)
		c1, _, e1 := cli(t, "run", "--lesson", "stale-replica-reads", "--seed", s, "--out", a)
		c2, _, _ := cli(t, "run", "--lesson", "stale-replica-reads", "--seed", s, "--out", a+"2.jsonl")
		if c1 > 1 || c1 != c2 {
			t.Fatalf("seed %d: exit %d and %d: %s", seed, c1, c2, e1)
		}
		if !sameFile(t, a, a+"2.jsonl") {
			t.Fatalf("seed %d: two runs wrote different histories", seed)
		}
		if seed <= 5 { // EDN too
			cli(t, "run", "--lesson", "stale-replica-reads", "--seed", s, "--out", b)
			cli(t, "run", "--lesson", "stale-replica-reads", "--seed", s, "--out", b+"2.edn")
			if !sameFile(t, b, b+"2.edn") {
				t.Fatalf("seed %d: two runs wrote different EDN", seed)
			}
		}
	}
}

func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	x, err1 := os.ReadFile(a)
	y, err2 := os.ReadFile(b)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return len(x) > 0 && bytes.Equal(x, y)
}

func TestScenarioReplaysByteIdentically(t *testing.T) {
	dir := t.TempDir()
	h1, sc, h2 := filepath.Join(dir, "h1.jsonl"), filepath.Join(dir, "s.json"), filepath.Join(dir, "h2.jsonl")
	code, _, errs := cli(t, "run", "--lesson", "stale-replica-reads", "--seed", "42", "--nemesis", "partition,crash,clock",
		"--out", h1, "--out-scenario", sc)
	if code > 1 {
		t.Fatal(errs)
	}
	code2, _, errs := cli(t, "run", "--scenario", sc, "--out", h2)
	if code2 != code {
		t.Fatalf("replay exit %d, first run %d: %s", code2, code, errs)
	}
	if !sameFile(t, h1, h2) {
		t.Fatal("the scenario did not replay byte-identically")
	}
}

func TestRunJSON(t *testing.T) {
	code, out, errs := cli(t, "run", "--lesson", "first-history", "--seed", "3", "--json")
	if code != 0 {
		t.Fatalf("first-history seed 3: exit %d %s %s", code, out, errs)
	}
	var j map[string]any
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"verdict", "lesson", "variant", "seed", "ops", "virtual_ns"} {
		if _, ok := j[k]; !ok {
			t.Errorf("--json lacks %q: %s", k, out)
		}
	}
	if j["verdict"] != "linearizable" || j["ops"].(float64) < 60 || j["virtual_ns"].(float64) <= 0 {
		t.Fatalf("unexpected: %s", out)
	}
}

func TestHuntStaleReplicaReads(t *testing.T) {
	t.Parallel()
	code, out, errs := cli(t, "hunt", "--lesson", "stale-replica-reads", "--seeds", "1-200", "--json")
	if code != 1 {
		t.Fatalf("hunt default variant: exit %d, want 1: %s %s", code, out, errs)
	}
	var j huntJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	if j.SeedsTried != 200 || len(j.FailingSeeds) == 0 {
		t.Fatalf("hunt: %+v", j)
	}
	to := "500"
	if testing.Short() {
		to = "100"
	}
	code, out, errs = cli(t, "hunt", "--lesson", "stale-replica-reads", "--variant", "fixed", "--seeds", "1-"+to)
	if code != 0 {
		t.Fatalf("fixed variant: exit %d: %s %s", code, out, errs)
	}
	code, out, errs = cli(t, "hunt", "--lesson", "first-history", "--seeds", "1-"+to)
	if code != 0 {
		t.Fatalf("first-history: exit %d: %s %s", code, out, errs)
	}
}

func TestLessonsJSON(t *testing.T) {
	code, out, _ := cli(t, "lessons", "--json")
	var ls []lessonJSON
	if code != 0 || json.Unmarshal([]byte(out), &ls) != nil || len(ls) < 2 {
		t.Fatalf("lessons --json: %d %s", code, out)
	}
	if ls[0].ID != "first-history" || ls[1].ID != "stale-replica-reads" || ls[1].Default != "read-any" {
		t.Fatalf("lessons: %+v", ls[:2])
	}
}

func FuzzParseScenario(f *testing.F) {
	f.Add([]byte(`{"lesson":"stale-replica-reads","variant":"fixed","seed":3,"config":{"nodes":3,"clients":2,"ops":10,"routing":"random","latency_min_ns":1,"latency_max_ns":2,"think_min_ns":1,"think_max_ns":2,"timeout_ns":1000,"final_delay_ns":0,"max_events":0,"max_time_ns":0,"client":{}},"faults":{"list":[{"at_ns":5,"kind":"partition","shape":"ring"}],"cycle_ns":10}}`))
	f.Add([]byte(`{"lesson":"first-history"}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sc, err := parseScenario(b, "fuzz.json")
		if err != nil {
			if _, ok := err.(usageError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		// A scenario that parses must run to its end with no panic and no
		// negative or backward time (bounded so fuzzing stays fast: few
		// operations, few events).
		sc.Config.Ops = min(sc.Config.Ops, 20)
		if sc.Config.MaxEvents == 0 || sc.Config.MaxEvents > 20_000 {
			sc.Config.MaxEvents = 20_000
		}
		s, _, err := lessons.Start(sc)
		if err != nil {
			t.Fatalf("validated scenario does not start: %v", err)
		}
		s.Run()
		var last int64
		for _, o := range s.History() {
			if o.Time < last {
				t.Fatalf("time went from %d to %d", last, o.Time)
			}
			last = o.Time
		}
	})
}
