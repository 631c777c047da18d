package sim

import (
	"fmt"
	"sort"
)

// NemesisKinds are the names --nemesis takes, each a fault and its undoing,
// after Jepsen's nemesis packages.
var NemesisKinds = map[string][2]Fault{
	"partition":        {{Kind: FaultPartition, Shape: ShapeHalves}, {Kind: FaultHeal}},
	"partition-one":    {{Kind: FaultPartition, Shape: ShapeOne}, {Kind: FaultHeal}},
	"partition-leader": {{Kind: FaultPartition, Shape: ShapeLeader}, {Kind: FaultHeal}},
	"partition-ring":   {{Kind: FaultPartition, Shape: ShapeRing}, {Kind: FaultHeal}},
	"partition-bridge": {{Kind: FaultPartition, Shape: ShapeBridge}, {Kind: FaultHeal}},
	"crash":            {{Kind: FaultCrash}, {Kind: FaultRestart, Target: "all"}},
	"crash-leader":     {{Kind: FaultCrash, Target: "leader"}, {Kind: FaultRestart, Target: "all"}},
	"pause":            {{Kind: FaultPause}, {Kind: FaultResume, Target: "all"}},
	"pause-leader":     {{Kind: FaultPause, Target: "leader"}, {Kind: FaultResume, Target: "all"}},
	"clock":            {{Kind: FaultClockJump, DeltaNs: 2_000_000_000}, {Kind: FaultClockReset}},
	"clock-strobe":     {{Kind: FaultClockStrobe, DeltaNs: 1_000_000_000, PeriodNs: 100_000_000}, {Kind: FaultClockReset}},
	"loss":             {{Kind: FaultLoss, Probability: 0.2}, {Kind: FaultNetReset}},
	"duplicate":        {{Kind: FaultDuplicate, Probability: 0.2}, {Kind: FaultNetReset}},
	"delay":            {{Kind: FaultDelay, DelayNs: 500_000_000}, {Kind: FaultNetReset}},
}

// NemesisNames lists NemesisKinds' names, sorted.
func NemesisNames() []string {
	out := make([]string, 0, len(NemesisKinds))
	for k := range NemesisKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// NemesisSchedule builds a cyclic schedule from nemesis names: each fault in
// turn starts 1 s into its slot of periodNs (default 4 s) and is undone 2 s
// later, like Jepsen's composed nemesis generators.
func NemesisSchedule(kinds []string, periodNs int64) (Schedule, error) {
	if periodNs <= 0 {
		periodNs = 4_000_000_000
	}
	var s Schedule
	for i, k := range kinds {
		pair, ok := NemesisKinds[k]
		if !ok {
			return Schedule{}, fmt.Errorf("unknown nemesis %q", k)
		}
		start := int64(i)*periodNs + periodNs/4
		on, off := pair[0], pair[1]
		on.At, off.At = start, start+periodNs/2
		s.Faults = append(s.Faults, on, off)
	}
	if len(kinds) > 0 {
		s.CycleNs = int64(len(kinds)) * periodNs
	}
	return s, nil
}
