package sim

import (
	"fmt"
	"slices"
	"strings"
)

// Bounds on what a scenario may ask for. Every duration and moment is at
// most MaxDurationNs, so no sum the simulator forms (a moment plus a
// delay, a fault's time plus its cycle) can overflow.
const (
	// MaxDurationNs bounds every duration and moment in a scenario: 10⁶ s,
	// eleven and a half days of virtual time.
	MaxDurationNs int64 = 1_000_000_000_000_000
	// MaxVirtualNs bounds a run's virtual time (max_time_ns), far below
	// where int64 nanoseconds overflow.
	MaxVirtualNs int64 = 1 << 61
	// MaxEventsLimit bounds max_events.
	MaxEventsLimit int64 = 1 << 40
	// MaxNodes and MaxClients bound a cluster's size.
	MaxNodes   = 64
	MaxClients = 256
)

// FieldError is a setting that cannot work: the JSON path of its field in
// a scenario file, and why.
type FieldError struct {
	Field string // config.final_delay_ns, faults.list[2].delay_ns, ...
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// inField puts a field error inside a larger one: faults.list[2] + kind.
func inField(prefix string, err error) error {
	if fe, ok := err.(*FieldError); ok {
		return &FieldError{Field: prefix + "." + fe.Field, Msg: fe.Msg}
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

// Validate reports the first setting that cannot work, naming its field.
func (c Config) Validate() error {
	durations := []struct {
		name string
		v    int64
	}{
		{"latency_min_ns", c.LatencyMinNs}, {"latency_max_ns", c.LatencyMaxNs},
		{"think_min_ns", c.ThinkMinNs}, {"think_max_ns", c.ThinkMaxNs},
		{"timeout_ns", c.TimeoutNs}, {"final_delay_ns", c.FinalDelayNs},
	}
	switch {
	case c.Nodes < 1 || c.Nodes > MaxNodes:
		return fieldErr("nodes", "must be 1–%d, got %d", MaxNodes, c.Nodes)
	case c.Clients < 1 || c.Clients > MaxClients:
		return fieldErr("clients", "must be 1–%d, got %d", MaxClients, c.Clients)
	case c.Ops < 0 || c.Ops > MaxOps:
		return fieldErr("ops", "must be 0–%d, got %d (a run keeps every operation in memory, up to about 1 KB each)", MaxOps, c.Ops)
	case c.Trace && c.Ops > MaxOpsTraced:
		return fieldErr("ops", "must be 0–%d with the trace on, got %d (the trace keeps every message, up to about 13 KB an operation)", MaxOpsTraced, c.Ops)
	case c.Routing != RouteRandom && c.Routing != RouteSticky && c.Routing != RouteLeader:
		return fieldErr("routing", "must be random, sticky or leader, got %q", clip(string(c.Routing)))
	}
	for _, d := range durations {
		if err := checkDuration(d.name, d.v); err != nil {
			return err
		}
	}
	switch {
	case c.LatencyMaxNs < c.LatencyMinNs:
		return fieldErr("latency_max_ns", "%d is below latency_min_ns %d", c.LatencyMaxNs, c.LatencyMinNs)
	case c.ThinkMaxNs < c.ThinkMinNs:
		return fieldErr("think_max_ns", "%d is below think_min_ns %d", c.ThinkMaxNs, c.ThinkMinNs)
	case c.TimeoutNs == 0:
		return fieldErr("timeout_ns", "must be positive")
	case c.Client.Retries < 0 || c.Client.Retries > 100:
		return fieldErr("client.retries", "must be 0–100, got %d", c.Client.Retries)
	case c.MaxEvents < 0 || c.MaxEvents > MaxEventsLimit:
		return fieldErr("max_events", "must be 0 (automatic) to %d, got %d", MaxEventsLimit, c.MaxEvents)
	case c.MaxTimeNs < 0 || c.MaxTimeNs > MaxVirtualNs:
		return fieldErr("max_time_ns", "must be 0 (automatic) to %d, got %d", MaxVirtualNs, c.MaxTimeNs)
	}
	return nil
}

func checkDuration(name string, v int64) error {
	if v < 0 || v > MaxDurationNs {
		return fieldErr(name, "must be 0–%d ns (%s), got %d", MaxDurationNs, FormatDuration(MaxDurationNs), v)
	}
	return nil
}

// Validate reports what is wrong with a fault, naming its field.
func (f Fault) Validate(nodes []string) error {
	if !slices.Contains(FaultKinds, f.Kind) {
		return fieldErr("kind", "unknown fault %q", clip(string(f.Kind)))
	}
	for _, n := range f.Nodes {
		if !slices.Contains(nodes, n) {
			return fieldErr("nodes", "no node %q (nodes are %s)", clip(n), strings.Join(nodes, ", "))
		}
	}
	if err := f.validateShape(nodes); err != nil {
		return err
	}
	if err := f.Target.validate(); err != nil {
		return err
	}
	if f.Probability < 0 || f.Probability > 1 || f.Probability != f.Probability {
		return fieldErr("probability", "%v is not in [0, 1]", f.Probability)
	}
	for _, d := range []struct {
		name string
		v    int64
	}{{"at_ns", f.At}, {"period_ns", f.PeriodNs}, {"delay_ns", f.DelayNs}, {"delta_ns", abs(f.DeltaNs)}} {
		if err := checkDuration(d.name, d.v); err != nil {
			return err
		}
	}
	switch {
	case f.Step < 0:
		return fieldErr("step", "must not be negative, got %d", f.Step)
	case !f.Live && (f.Step != 0 || f.ByTime):
		return fieldErr("step", "only a live fault has a step or by_time")
	case f.Kind == FaultClockStrobe && f.PeriodNs == 0:
		return fieldErr("period_ns", "a clock strobe needs a period")
	}
	return nil
}

func (f Fault) validateShape(nodes []string) error {
	if f.Kind != FaultPartition {
		if f.Shape != "" || len(f.Groups) > 0 {
			return fieldErr("shape", "only a partition has a shape or groups")
		}
		return nil
	}
	switch f.Shape {
	case ShapeOne, ShapeLeader, ShapePrimary, ShapeHalves, ShapeRing, ShapeBridge, "":
		if len(f.Groups) > 0 {
			return fieldErr("groups", "only a partition of shape groups takes groups")
		}
	case ShapeGroups:
		seen := map[string]bool{}
		for _, g := range f.Groups {
			for _, n := range g {
				if !slices.Contains(nodes, n) {
					return fieldErr("groups", "no node %q (nodes are %s)", clip(n), strings.Join(nodes, ", "))
				}
				if seen[n] {
					return fieldErr("groups", "%s is in two groups", n)
				}
				seen[n] = true
			}
		}
	default:
		return fieldErr("shape", "unknown partition shape %q", clip(string(f.Shape)))
	}
	return nil
}

func (t Target) validate() error {
	switch t {
	case "", TargetRandom, TargetLeader, TargetAll, TargetMinority, TargetMajority, TargetBridge:
		return nil
	}
	if r, ok := t.Role(); ok {
		if r == RoleNone || !r.Known() {
			return fieldErr("target", "unknown role %q (roles: %s)", clip(string(r)), roleNames())
		}
		return nil
	}
	return fieldErr("target", "unknown target %q (random, leader, all, minority, majority, bridge, role:NAME)", clip(string(t)))
}

// Validate checks every fault of a schedule and its mix, naming the field.
func (s Schedule) Validate(nodes []string) error {
	if err := checkDuration("faults.cycle_ns", s.CycleNs); err != nil {
		return err
	}
	var lastStep int64
	var lastAt int64
	for i, f := range s.Faults {
		if err := f.Validate(nodes); err != nil {
			return inField(fmt.Sprintf("faults.list[%d]", i), err)
		}
		if s.CycleNs > 0 && !f.Live && f.At >= s.CycleNs {
			return fieldErr(fmt.Sprintf("faults.list[%d].at_ns", i), "%d is not inside the cycle of %d ns", f.At, s.CycleNs)
		}
		if f.Live && !f.ByTime {
			if f.Step < lastStep {
				return fieldErr(fmt.Sprintf("faults.list[%d].step", i), "%d comes before an earlier live fault's %d (live faults are listed in the order they happened)", f.Step, lastStep)
			}
			lastStep = f.Step
		}
		if f.Live && f.ByTime {
			if f.At < lastAt {
				return fieldErr(fmt.Sprintf("faults.list[%d].at_ns", i), "%d comes before an earlier live fault's %d (live faults are listed in the order they happened)", f.At, lastAt)
			}
			lastAt = f.At
		}
	}
	if s.Mix != nil {
		if err := s.Mix.Validate(len(nodes)); err != nil {
			return inField("faults.mix", err)
		}
	}
	return nil
}

// Validate reports what is wrong with a mix, naming its field.
func (m Mix) Validate(nodes int) error {
	if len(m.Kinds) == 0 {
		return fieldErr("kinds", "a mix needs at least one kind (%s)", strings.Join(nemesisStrings(AllNemeses()), ", "))
	}
	for i, k := range m.Kinds {
		if _, ok := NemesisKinds[k]; !ok {
			return fieldErr(fmt.Sprintf("kinds[%d]", i), "unknown nemesis %q (known: %s)", clip(string(k)), strings.Join(nemesisStrings(AllNemeses()), ", "))
		}
		if slices.Contains(m.Kinds[:i], k) {
			return fieldErr(fmt.Sprintf("kinds[%d]", i), "%s is listed twice", k)
		}
	}
	switch {
	case !(m.Density > 0 && m.Density <= 1):
		return fieldErr("density", "must be above 0 and at most 1, got %v", m.Density)
	case m.MaxCrashed < 0 || m.MaxCrashed > nodes:
		return fieldErr("max_crashed", "must be 0 (a minority) to %d, got %d", nodes, m.MaxCrashed)
	}
	if err := checkDuration("mean_on_ns", m.MeanOnNs); err != nil {
		return err
	}
	return checkDuration("start_ns", m.StartNs)
}

// Validate checks a scenario's configuration and faults (its lesson and
// variant are the lessons package's to check), naming the field.
func (sc Scenario) Validate() error {
	if err := sc.Config.Validate(); err != nil {
		return inField("config", err)
	}
	return sc.Faults.Validate(NodeNames(sc.Config.Nodes))
}

// NodeNames are the ids of a cluster of n nodes: n1, n2, ...
func NodeNames(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("n%d", i+1)
	}
	return ids
}

func abs(v int64) int64 {
	if v < 0 {
		if v == -v { // the most negative int64
			return MaxDurationNs + 1
		}
		return -v
	}
	return v
}

// clip shortens a quoted piece of input to something a message can hold.
func clip(s string) string {
	const most = 40
	if r := []rune(s); len(r) > most {
		return string(r[:most]) + "…"
	}
	return s
}
