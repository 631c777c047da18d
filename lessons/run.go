package lessons

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// Options override a lesson's defaults for one run; zero values keep them.
type Options struct {
	Variant string
	Seed    uint64
	Nodes   int
	Clients int
	Ops     int
	// Nemesis replaces the lesson's own fault schedule: nil keeps it; an
	// empty list runs with no scheduled fault at all, so the only faults
	// are the learner's (the TUI's "my faults only", the CLI's
	// --nemesis none).
	Nemesis []sim.Nemesis
	Mix     MixMode // how Nemesis's kinds combine (default MixOverlap)
	Density float64 // MixOverlap: the fraction of time each kind is in force (0: sim.DensityFor the number of kinds)
	Trace   bool
}

// MixMode says how a list of nemeses becomes a schedule.
type MixMode string

// The ways a list of nemeses combines.
const (
	// MixOverlap is Jepsen's combined nemesis: every kind starts and stops
	// on its own, overlapping the others (sim.Mix).
	MixOverlap MixMode = "overlap"
	// MixCycle gives each kind a 4 s slot in turn, never overlapping.
	MixCycle MixMode = "cycle"
)

// ParseMix reads a --mix value.
func ParseMix(s string) (MixMode, error) {
	switch m := MixMode(strings.TrimSpace(s)); m {
	case MixOverlap, MixCycle:
		return m, nil
	}
	return "", fmt.Errorf("unknown mix %q (overlap or cycle)", s)
}

// faults is the schedule the options ask for: the lesson's own, none, or
// a schedule of the listed nemeses.
func (l *Lesson) faults(o Options) (sim.Schedule, error) {
	if o.Nemesis == nil {
		if o.Mix != "" || o.Density != 0 {
			return sim.Schedule{}, fmt.Errorf("a mix and a density apply to a list of nemeses, and none is given")
		}
		return l.Faults, nil
	}
	if len(o.Nemesis) == 0 {
		return sim.Schedule{}, nil
	}
	switch o.Mix {
	case MixCycle:
		if o.Density != 0 {
			return sim.Schedule{}, fmt.Errorf("density applies to the overlap mix, not to cycle")
		}
		return sim.NemesisSchedule(o.Nemesis, 0)
	case MixOverlap, "":
		return sim.MixSchedule(o.Nemesis, o.Density)
	}
	return sim.Schedule{}, fmt.Errorf("unknown mix %q (overlap or cycle)", o.Mix)
}

// Scenario is the full input of a run of this lesson with these options.
func (l *Lesson) Scenario(o Options) (sim.Scenario, error) {
	variant := o.Variant
	if variant == "" {
		variant = l.DefaultVariant()
	}
	if _, err := l.Design.Factory(variant); err != nil {
		return sim.Scenario{}, err
	}
	cfg := l.Config
	if l.Tune != nil {
		l.Tune(variant, &cfg)
	}
	if o.Nodes > 0 {
		cfg.Nodes = o.Nodes
	}
	if o.Clients > 0 {
		cfg.Clients = o.Clients
	}
	if o.Ops > 0 {
		cfg.Ops = o.Ops
	}
	cfg.Trace = o.Trace
	faults, err := l.faults(o)
	if err != nil {
		return sim.Scenario{}, err
	}
	sc := sim.Scenario{Lesson: l.ID, Variant: variant, Seed: o.Seed, Config: cfg, Faults: faults}
	return sc, cfg.Validate()
}

// Replay is a scenario replayed against another variant of its lesson:
// the same seed, workload, configuration and every fault, scheduled and
// live. A live fault was recorded at the step it was injected, which means
// nothing in another variant's run, so it is replayed at its virtual time
// instead (before the first event after that moment, in recorded order).
// Faults aimed at a role (the leader, a worker) hit whichever node holds
// the role in the new run. variant "" or the scenario's own replays it
// exactly.
func Replay(sc sim.Scenario, variant string) (sim.Scenario, error) {
	l, err := Get(sc.Lesson)
	if err != nil {
		return sim.Scenario{}, err
	}
	if variant == "" || variant == sc.Variant {
		return sc, nil
	}
	if _, err := l.Design.Factory(variant); err != nil {
		return sim.Scenario{}, err
	}
	out := sc
	out.Variant = variant
	out.Faults = sc.Faults.ByTime()
	if l.Tune != nil {
		l.Tune(variant, &out.Config)
	}
	return out, nil
}

// CheckScenario validates every field of a scenario (read from a file,
// say): its lesson, its variant, its configuration and its faults. The
// error names the field as the file spells it.
func CheckScenario(sc sim.Scenario) error {
	l, err := Get(sc.Lesson)
	if err != nil {
		return fmt.Errorf("field \"lesson\": %v", err)
	}
	if sc.Variant == "" {
		return fmt.Errorf("field \"variant\": empty (variants: %s)", strings.Join(l.variantNames(), ", "))
	}
	if _, err := l.Design.Factory(sc.Variant); err != nil {
		return fmt.Errorf("field \"variant\": %v", err)
	}
	if err := sc.Validate(); err != nil {
		var fe *sim.FieldError
		if errors.As(err, &fe) {
			return fmt.Errorf("field %q: %s", fe.Field, fe.Msg)
		}
		return err
	}
	return nil
}

// Start builds the simulation of a scenario, ready to step.
func Start(sc sim.Scenario) (*sim.Sim, *Lesson, error) {
	l, err := Get(sc.Lesson)
	if err != nil {
		return nil, nil, err
	}
	factory, err := l.Design.Factory(sc.Variant)
	if err != nil {
		return nil, nil, err
	}
	s, err := sim.New(sc.Seed, sc.Config, sc.Faults, factory, l.Workload())
	if err != nil {
		return nil, nil, err
	}
	return s, l, nil
}

// Run plays a scenario to the end and returns the finished simulation.
func Run(sc sim.Scenario) (*sim.Sim, *Lesson, error) {
	s, l, err := Start(sc)
	if err != nil {
		return nil, nil, err
	}
	return s, l, s.Run()
}

// Check checks a history of this lesson against its model (a
// transactional lesson's against its consistency model: see txn.go).
func (l *Lesson) Check(ctx context.Context, h history.History, opts checker.Options) (checker.Result, error) {
	if l.Transactional() {
		return l.checkTxn(ctx, h, opts)
	}
	opts.Model = l.Model
	if opts.Init == nil {
		opts.Init = l.Init
	}
	return checker.Check(ctx, h, opts)
}

// ParseNemesis reads a --nemesis list: comma-separated nemeses ("all" for
// every one), or "none" for no scheduled fault at all.
func ParseNemesis(list string) ([]sim.Nemesis, error) {
	list = strings.TrimSpace(list)
	known := func() string {
		var names []string
		for _, k := range sim.AllNemeses() {
			names = append(names, string(k))
		}
		return strings.Join(names, ", ")
	}
	switch list {
	case "":
		return nil, fmt.Errorf("empty list (use none for no faults, all for every one; known: %s)", known())
	case "none":
		return []sim.Nemesis{}, nil
	}
	var out []sim.Nemesis
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		var add []sim.Nemesis
		switch _, ok := sim.NemesisKinds[sim.Nemesis(k)]; {
		case k == "all":
			add = sim.AllNemeses()
		case ok:
			add = []sim.Nemesis{sim.Nemesis(k)}
		default:
			return nil, fmt.Errorf("unknown nemesis %q (known: %s, or all, or none)", k, known())
		}
		out = sim.Nemeses(out, add)
	}
	return out, nil
}
