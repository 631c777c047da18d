package sim

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// Scenario settings that once crashed the simulator ("time went
// backwards", "invalid argument to Int64N") or printed negative virtual
// times are rejected, naming the field.
func TestScenarioValidationNamesTheField(t *testing.T) {
	t.Parallel()
	max64 := int64(math.MaxInt64)
	cases := []struct {
		field string
		edit  func(*Scenario)
	}{
		{"config.final_delay_ns", func(sc *Scenario) { sc.Config.FinalDelayNs = -1 }},
		{"config.final_delay_ns", func(sc *Scenario) { sc.Config.FinalDelayNs = max64 }},
		{"config.timeout_ns", func(sc *Scenario) { sc.Config.TimeoutNs = max64 }},
		{"config.timeout_ns", func(sc *Scenario) { sc.Config.TimeoutNs = 0 }},
		{"config.latency_max_ns", func(sc *Scenario) { sc.Config.LatencyMaxNs = max64 }},
		{"config.latency_min_ns", func(sc *Scenario) { sc.Config.LatencyMinNs = -5 }},
		{"config.think_max_ns", func(sc *Scenario) { sc.Config.ThinkMaxNs = 1; sc.Config.ThinkMinNs = 2 }},
		{"config.max_events", func(sc *Scenario) { sc.Config.MaxEvents = -1 }},
		{"config.max_time_ns", func(sc *Scenario) { sc.Config.MaxTimeNs = max64 }},
		{"config.ops", func(sc *Scenario) { sc.Config.Ops = MaxOps + 1 }},
		{"config.nodes", func(sc *Scenario) { sc.Config.Nodes = 0 }},
		{"config.routing", func(sc *Scenario) { sc.Config.Routing = "anycast" }},
		{"faults.cycle_ns", func(sc *Scenario) { sc.Faults.CycleNs = max64 }},
		{"faults.cycle_ns", func(sc *Scenario) { sc.Faults.CycleNs = -1 }},
		{"faults.list[0].delay_ns", func(sc *Scenario) { sc.Faults.Faults[0].DelayNs = max64 }},
		{"faults.list[0].at_ns", func(sc *Scenario) { sc.Faults.Faults[0].At = -3 }},
		{"faults.list[0].at_ns", func(sc *Scenario) { sc.Faults.CycleNs = 10 }},
		{"faults.list[0].delta_ns", func(sc *Scenario) { sc.Faults.Faults[0].DeltaNs = math.MinInt64 }},
		{"faults.list[0].probability", func(sc *Scenario) { sc.Faults.Faults[0].Probability = math.NaN() }},
		{"faults.list[0].shape", func(sc *Scenario) { sc.Faults.Faults[0].Shape = ShapeRing }},
		{"faults.list[0].step", func(sc *Scenario) { sc.Faults.Faults[0].Step = 4 }},
		{"faults.list[0].target", func(sc *Scenario) { sc.Faults.Faults[0].Target = "role:Leader" }},
		{"faults.list[2].step", func(sc *Scenario) {
			sc.Faults.Faults = append(sc.Faults.Faults, Fault{Kind: FaultHeal, Live: true, Step: 9}, Fault{Kind: FaultHeal, Live: true, Step: 3})
		}},
		{"faults.mix.density", func(sc *Scenario) { sc.Faults.Mix = &Mix{Kinds: []Nemesis{NemesisCrash}, Density: 1.5} }},
		{"faults.mix.mean_on_ns", func(sc *Scenario) {
			sc.Faults.Mix = &Mix{Kinds: []Nemesis{NemesisCrash}, Density: 0.5, MeanOnNs: max64}
		}},
	}
	for _, c := range cases {
		sc := Scenario{Seed: 1, Config: testConfig(), Faults: Schedule{Faults: []Fault{{At: 100, Kind: FaultDelay, DelayNs: 5}}}}
		c.edit(&sc)
		err := sc.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: got %v", c.field, err)
		}
	}
}

// The largest settings validation allows run to their end without a
// panic or a negative time (on nodes with no timers of their own, which
// would tick through days of virtual time).
func TestTheLargestSettingsRun(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Ops, cfg.Nodes = 5, 3
	cfg.FinalDelayNs, cfg.LatencyMaxNs, cfg.ThinkMaxNs = MaxDurationNs, MaxDurationNs, MaxDurationNs
	sched := Schedule{CycleNs: MaxDurationNs, Faults: []Fault{
		{At: MaxDurationNs - 1, Kind: FaultDelay, DelayNs: MaxDurationNs},
		{At: 0, Kind: FaultClockJump, DeltaNs: -MaxDurationNs},
		{At: 0, Kind: FaultDelay, DelayNs: MaxDurationNs},
		{At: 1, Kind: FaultClockStrobe, DeltaNs: MaxDurationNs, PeriodNs: 1},
	}, Mix: &Mix{Kinds: AllNemeses(), Density: 1e-300, MeanOnNs: MaxDurationNs, StartNs: MaxDurationNs}}
	b, _ := json.Marshal(Scenario{Config: cfg, Faults: sched})
	var sc Scenario
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatal(err)
	}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	s, err := New(1, sc.Config, sc.Faults, newBlackhole, regGen{final: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil && !errors.Is(err, ErrBound) {
		t.Fatal(err)
	}
	for _, o := range s.History() {
		if o.Time < 0 {
			t.Fatalf("negative time: %+v", o)
		}
	}
	if !strings.Contains(FormatDuration(MaxDurationNs), "s") {
		t.Fatal(FormatDuration(MaxDurationNs))
	}
}
