package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// run --scenario F --variant V replays the scenario's seed, workload and
// every fault, live ones at their virtual times, against another variant.
func TestRunScenarioAgainstAnotherVariant(t *testing.T) {
	l, err := lessons.Get("split-brain")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := l.Scenario(lessons.Options{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := lessons.Start(sc)
	if err != nil {
		t.Fatal(err)
	}
	s.RunUntil(1_234_000_000)
	s.Inject(sim.Fault{Kind: sim.FaultPause, Nodes: []string{"n2"}})
	s.RunUntil(2_500_000_000)
	s.Inject(sim.Fault{Kind: sim.FaultPartition, Shape: sim.ShapeLeader})
	s.RunUntil(3_000_000_000)
	s.Inject(sim.Fault{Kind: sim.FaultResume, Nodes: []string{"n2"}})
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	sc.Faults = s.Schedule()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "buggy.json"), filepath.Join(dir, "fixed.json")
	b, _ := json.Marshal(sc)
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, "run", "--scenario", in, "--variant", "fixed", "--out-scenario", out)
	if code != exitOK && code != exitFailed || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"against fixed", "the 3 live faults at their virtual times", "whichever node holds it", "variant fixed, seed 3"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	b, err = os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var replayed sim.Scenario
	if err := json.Unmarshal(b, &replayed); err != nil {
		t.Fatal(err)
	}
	was, now := sc.Faults.Live(), replayed.Faults.Live()
	if replayed.Variant != "fixed" || len(now) != len(was) {
		t.Fatalf("replayed %s with live faults %+v", replayed.Variant, now)
	}
	for i := range was {
		if now[i].At != was[i].At || now[i].Kind != was[i].Kind || now[i].ByTime {
			t.Errorf("live fault %d: %+v, recorded %+v", i, now[i], was[i])
		}
	}
	// The fixed run's own scenario replays it exactly.
	code2, stdout2, _ := cli(t, "run", "--scenario", out)
	if code2 != code || !strings.Contains(stdout2, "variant fixed, seed 3") {
		t.Errorf("replaying the written scenario: exit %d, %s", code2, stdout2)
	}
}
