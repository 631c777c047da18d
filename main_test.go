package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/lessons"
)

// Two runs of a seed write the same bytes: seeds 1–20, 1–100 with
// FAULTLINE_LONG=1.
func TestRunIsDeterministic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seeds := sweep(10, 20, 100)
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

// hunt over the command line: the buggy variant fails within 200 seeds;
// the fix and lesson 1 pass seeds 1–100 (1–500 with FAULTLINE_LONG=1).
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
	to := fmt.Sprint(sweep(50, 100, 500))
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

// Issue 15: --json gives a script what the text shows: the witness
// grouped, the faults in force during it, and the run's faults in time.
func TestJSONHasWhatTheTextShows(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "h.jsonl")
	args := []string{"run", "--lesson", "lease-locks", "--seed", "2"}
	_, text, _ := cli(t, append(args, "--out", hist)...)
	code, out, errs := cli(t, append(args, "--json")...)
	if code != exitFailed {
		t.Fatalf("lease-locks seed 2: exit %d: %s %s", code, out, errs)
	}
	var j verdictJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(text), " ")
	if len(j.Summary) == 0 || len(j.WitnessFaults) == 0 {
		t.Fatalf("no summary or witness faults in --json:\n%s", out)
	}
	for _, line := range j.Summary {
		if !strings.Contains(flat, line) {
			t.Errorf("summary line %q is not what the text shows:\n%s", line, text)
		}
	}
	for _, f := range j.WitnessFaults {
		if !strings.Contains(flat, f.Detail) || f.FromNs <= 0 || f.FromNs > f.ToNs {
			t.Errorf("witness fault %+v: not in the text, or its times are wrong", f)
		}
	}
	pauses := 0
	for _, f := range j.FaultIntervals {
		if f.Owner == "" || f.FromNs > f.ToNs || f.ToNs > *j.VirtualNs || len(f.Nodes) == 0 {
			t.Errorf("fault interval %+v: no owner, nodes, or times out of the run", f)
		}
		if f.Kind == "pause" {
			pauses++
		}
	}
	b, err := os.ReadFile(hist)
	if want := strings.Count(string(b), `"f":"pause"`); err != nil || pauses == 0 || pauses != want {
		t.Errorf("%d pause intervals, %d pauses in the history: %+v", pauses, want, j.FaultIntervals)
	}
	// check --json of the same history carries the same summary.
	code, out, _ = cli(t, "check", hist, "--model", "counter", "--init", "0", "--json")
	var c verdictJSON
	if err := json.Unmarshal([]byte(out), &c); code != exitFailed || err != nil || strings.Join(c.Summary, "\n") != strings.Join(j.Summary, "\n") {
		t.Errorf("check --json: exit %d, summary %q, want %q", code, c.Summary, j.Summary)
	}
}

// Issue 15: a hunt stops the seeds in flight at its deadline (or on
// Ctrl-C) instead of running them to their end; none of them counts as
// tried.
func TestHuntStopsSeedsInFlight(t *testing.T) {
	l, err := lessons.Get("raft-capstone")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	// Each of these seeds runs for many seconds.
	res := lessons.HuntWith(ctx, l, lessons.Options{Ops: 200_000}, 1, 4, lessons.HuntOptions{Workers: 2})
	if took := time.Since(start); res.Tried != 0 || len(res.Errors) > 0 || took > 5*time.Second {
		t.Errorf("hunt cut short at 200ms: %+v after %v; want nothing tried, promptly", res, took)
	}
}

// hunt --first stops at the first failing seed of the range: every seed
// below it tried, as a full hunt would find it.
func TestHuntFirst(t *testing.T) {
	_, full, _ := cli(t, "hunt", "--lesson", "stale-replica-reads", "--seeds", "1-40", "--json")
	code, out, errs := cli(t, "hunt", "--lesson", "stale-replica-reads", "--seeds", "1-40", "--first", "--workers", "1", "--json")
	var a, b huntJSON
	if json.Unmarshal([]byte(full), &a) != nil || json.Unmarshal([]byte(out), &b) != nil || code != exitFailed {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	// One worker may have taken the next seed before the first failed.
	if len(a.FailingSeeds) == 0 || len(b.FailingSeeds) == 0 || b.FailingSeeds[0] != a.FailingSeeds[0] || b.SeedsTried > int(b.FailingSeeds[0])+1 {
		t.Errorf("--first: %+v; full hunt: %+v", b, a)
	}
}
