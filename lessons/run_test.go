package lessons

import (
	"fmt"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/sim"
)

func TestParseNemesis(t *testing.T) {
	t.Parallel()
	all, err := ParseNemesis("all")
	if err != nil || len(all) != len(sim.NemesisKinds) {
		t.Fatalf("all: %v %v", all, err)
	}
	if none, err := ParseNemesis("none"); err != nil || none == nil || len(none) != 0 {
		t.Fatalf("none: %v %v", none, err)
	}
	if two, err := ParseNemesis(" crash, delay ,crash"); err != nil || fmt.Sprint(two) != "[crash delay]" {
		t.Fatalf("a list: %v %v", two, err)
	}
	for _, bad := range []string{"", "meteor", "crash,,delay"} {
		if _, err := ParseNemesis(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A list of nemeses overlaps by default, takes turns with MixCycle, and a
// mix or density without a list is an error.
func TestNemesisOptions(t *testing.T) {
	t.Parallel()
	l, _ := Get("stale-replica-reads")
	sc, err := l.Scenario(Options{Nemesis: []sim.Nemesis{sim.NemesisCrash, sim.NemesisDelay}})
	if err != nil || sc.Faults.Mix == nil || sc.Faults.Mix.Density != sim.DefaultDensity || len(sc.Faults.Faults) != 0 {
		t.Fatalf("overlap: %+v %v", sc.Faults, err)
	}
	sc, err = l.Scenario(Options{Nemesis: sim.AllNemeses(), Density: 0.3})
	if err != nil || sc.Faults.Mix.Density != 0.3 {
		t.Fatalf("density: %+v %v", sc.Faults.Mix, err)
	}
	sc, err = l.Scenario(Options{Nemesis: []sim.Nemesis{sim.NemesisCrash}, Mix: MixCycle})
	if err != nil || sc.Faults.Mix != nil || len(sc.Faults.Faults) != 2 || sc.Faults.CycleNs == 0 {
		t.Fatalf("cycle: %+v %v", sc.Faults, err)
	}
	for _, o := range []Options{{Density: 0.5}, {Mix: MixCycle}, {Nemesis: []sim.Nemesis{sim.NemesisCrash}, Mix: MixCycle, Density: 0.2}, {Nemesis: []sim.Nemesis{sim.NemesisCrash}, Mix: "sometimes"}} {
		if _, err := l.Scenario(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

// With no scheduled faults (the TUI's "my faults only"), the only faults
// are the learner's, and they last until the learner lifts them.
func TestLearnerOnlyRun(t *testing.T) {
	t.Parallel()
	l, _ := Get("stale-replica-reads")
	sc, err := l.Scenario(Options{Seed: 1, Nemesis: []sim.Nemesis{}})
	if err != nil || len(sc.Faults.Faults) != 0 || sc.Faults.Mix != nil {
		t.Fatalf("%+v %v", sc.Faults, err)
	}
	s, _, err := Start(sc)
	if err != nil {
		t.Fatal(err)
	}
	s.RunUntil(1_000_000_000)
	if _, err := s.Inject(sim.Fault{Kind: sim.FaultPartition, Shape: sim.ShapeOne}); err != nil {
		t.Fatal(err)
	}
	if u := s.Upcoming(5); len(u) != 0 {
		t.Fatalf("a run with no schedule announces %v", u)
	}
	s.RunUntil(9_000_000_000) // past where the lesson's own schedule heals
	if s.PartitionShape() == "" {
		t.Fatal("the learner's partition was lifted by someone else")
	}
	for _, a := range s.Applied() {
		if a.Owner != sim.OwnerLearner {
			t.Fatalf("a fault the learner did not make: %+v", a)
		}
	}
}

// Replay carries a run's every fault to another variant: the TUI's v and
// run --scenario F --variant V.
func TestReplayCarriesEveryFaultToAnotherVariant(t *testing.T) {
	t.Parallel()
	l, _ := Get("async-failover")
	sc, _ := l.Scenario(Options{Seed: 2})
	s, _, err := Start(sc)
	if err != nil {
		t.Fatal(err)
	}
	s.RunUntil(1_500_000_000)
	s.Inject(sim.Fault{Kind: sim.FaultCrash, Nodes: []string{"n3"}})
	s.RunUntil(2_500_000_000)
	s.Inject(sim.Fault{Kind: sim.FaultRestart, Nodes: []string{"n3"}})
	sc.Faults = s.Schedule()

	same, err := Replay(sc, "")
	if err != nil || fmt.Sprint(same) != fmt.Sprint(sc) {
		t.Fatalf("replaying against its own variant changed the scenario: %v", err)
	}
	fixed, err := Replay(sc, "fixed")
	if err != nil {
		t.Fatal(err)
	}
	if fixed.Variant != "fixed" || fixed.Seed != sc.Seed || !fixed.Faults.RoleTargeted() {
		t.Fatalf("%+v", fixed)
	}
	r, _, err := Run(fixed)
	if err != nil {
		t.Fatal(err)
	}
	var live []string
	for _, a := range r.Applied() {
		if a.Owner == sim.OwnerLearner {
			live = append(live, fmt.Sprint(a.Time, a.Desc))
		}
	}
	if fmt.Sprint(live) != "[1500000000crashed n3 2500000000restarted n3]" {
		t.Fatalf("the learner's faults against fixed: %v", live)
	}
	if _, err := Replay(sc, "no-such"); err == nil || !strings.Contains(err.Error(), "variants") {
		t.Fatalf("unknown variant: %v", err)
	}
}

func TestCheckScenarioNamesTheField(t *testing.T) {
	t.Parallel()
	l, _ := Get("split-brain")
	good, _ := l.Scenario(Options{Seed: 1})
	if err := CheckScenario(good); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(*sim.Scenario){
		`field "lesson"`:                 func(sc *sim.Scenario) { sc.Lesson = "nope" },
		`field "variant": empty`:         func(sc *sim.Scenario) { sc.Variant = "" },
		`field "variant"`:                func(sc *sim.Scenario) { sc.Variant = "nope" },
		`field "config.final_delay_ns"`:  func(sc *sim.Scenario) { sc.Config.FinalDelayNs = -1 },
		`field "faults.list[1].kind"`:    func(sc *sim.Scenario) { sc.Faults.Faults[1].Kind = "meteor" },
		`field "faults.mix.kinds[0]"`:    func(sc *sim.Scenario) { sc.Faults.Mix = &sim.Mix{Kinds: []sim.Nemesis{"x"}, Density: 0.5} },
		`field "config.ops": must be 0–`: func(sc *sim.Scenario) { sc.Config.Ops = 10_000_000 },
	}
	for want, edit := range cases {
		sc := good
		sc.Faults.Faults = append([]sim.Fault(nil), good.Faults.Faults...)
		edit(&sc)
		if err := CheckScenario(sc); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %s: got %v", want, err)
		}
	}
}
