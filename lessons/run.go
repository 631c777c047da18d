package lessons

import (
	"context"
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
	Nemesis []string // nil: the lesson's own fault schedule; empty: no faults
	Trace   bool
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
	faults := l.Faults
	if o.Nemesis != nil {
		s, err := sim.NemesisSchedule(o.Nemesis, 0)
		if err != nil {
			return sim.Scenario{}, err
		}
		faults = s
	}
	sc := sim.Scenario{Lesson: l.ID, Variant: variant, Seed: o.Seed, Config: cfg, Faults: faults}
	return sc, cfg.Validate()
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

// Check checks a history of this lesson against its model.
func (l *Lesson) Check(ctx context.Context, h history.History, opts checker.Options) (checker.Result, error) {
	opts.Model = l.Model
	if opts.Init == nil {
		opts.Init = l.Init
	}
	return checker.Check(ctx, h, opts)
}

// ParseNemesis splits a --nemesis list ("partition,crash"; "none" for no faults).
func ParseNemesis(list string) ([]string, error) {
	list = strings.TrimSpace(list)
	if list == "" || list == "none" {
		return []string{}, nil
	}
	var out []string
	for _, k := range strings.Split(list, ",") {
		k = strings.TrimSpace(k)
		if _, ok := sim.NemesisKinds[k]; !ok {
			return nil, fmt.Errorf("unknown nemesis %q (known: %s)", k, strings.Join(sim.NemesisNames(), ", "))
		}
		out = append(out, k)
	}
	return out, nil
}
