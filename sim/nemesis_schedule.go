package sim

import (
	"fmt"
	"slices"
)

// Nemesis names a fault and its undoing, as --nemesis takes them (after
// Jepsen's nemesis packages).
type Nemesis string

// The nemeses.
const (
	NemesisPartition       Nemesis = "partition"
	NemesisPartitionOne    Nemesis = "partition-one"
	NemesisPartitionLeader Nemesis = "partition-leader"
	NemesisPartitionRing   Nemesis = "partition-ring"
	NemesisPartitionBridge Nemesis = "partition-bridge"
	NemesisCrash           Nemesis = "crash"
	NemesisCrashLeader     Nemesis = "crash-leader"
	NemesisPause           Nemesis = "pause"
	NemesisPauseLeader     Nemesis = "pause-leader"
	NemesisClock           Nemesis = "clock"
	NemesisClockStrobe     Nemesis = "clock-strobe"
	NemesisLoss            Nemesis = "loss"
	NemesisDuplicate       Nemesis = "duplicate"
	NemesisDelay           Nemesis = "delay"
)

// NemesisKinds maps each nemesis to its fault and the fault that undoes it.
// The undo acts on what its owner did (see Owner), so each occurrence of a
// nemesis in a mix undoes itself only.
var NemesisKinds = map[Nemesis][2]Fault{
	NemesisPartition:       {{Kind: FaultPartition, Shape: ShapeHalves}, {Kind: FaultHeal}},
	NemesisPartitionOne:    {{Kind: FaultPartition, Shape: ShapeOne}, {Kind: FaultHeal}},
	NemesisPartitionLeader: {{Kind: FaultPartition, Shape: ShapeLeader}, {Kind: FaultHeal}},
	NemesisPartitionRing:   {{Kind: FaultPartition, Shape: ShapeRing}, {Kind: FaultHeal}},
	NemesisPartitionBridge: {{Kind: FaultPartition, Shape: ShapeBridge}, {Kind: FaultHeal}},
	NemesisCrash:           {{Kind: FaultCrash}, {Kind: FaultRestart, Target: TargetAll}},
	NemesisCrashLeader:     {{Kind: FaultCrash, Target: TargetLeader}, {Kind: FaultRestart, Target: TargetAll}},
	NemesisPause:           {{Kind: FaultPause}, {Kind: FaultResume, Target: TargetAll}},
	NemesisPauseLeader:     {{Kind: FaultPause, Target: TargetLeader}, {Kind: FaultResume, Target: TargetAll}},
	NemesisClock:           {{Kind: FaultClockJump, DeltaNs: 2_000_000_000}, {Kind: FaultClockReset}},
	NemesisClockStrobe:     {{Kind: FaultClockStrobe, DeltaNs: 1_000_000_000, PeriodNs: 100_000_000}, {Kind: FaultClockReset}},
	NemesisLoss:            {{Kind: FaultLoss, Probability: 0.2}, {Kind: FaultNetReset}},
	NemesisDuplicate:       {{Kind: FaultDuplicate, Probability: 0.2}, {Kind: FaultNetReset}},
	NemesisDelay:           {{Kind: FaultDelay, DelayNs: 500_000_000}, {Kind: FaultNetReset}},
}

// Groups of nemeses, for saying what a design tolerates.
var (
	// NetworkNemeses are partitions of every shape, loss, duplication and
	// delay (which reorders messages too).
	NetworkNemeses = []Nemesis{NemesisPartition, NemesisPartitionOne, NemesisPartitionLeader,
		NemesisPartitionRing, NemesisPartitionBridge, NemesisLoss, NemesisDuplicate, NemesisDelay}
	// ProcessNemeses are crash-restart and pause, of any node or the leader.
	ProcessNemeses = []Nemesis{NemesisCrash, NemesisCrashLeader, NemesisPause, NemesisPauseLeader}
	// ClockNemeses are clock jumps and strobes.
	ClockNemeses = []Nemesis{NemesisClock, NemesisClockStrobe}
)

// Nemeses joins groups of nemeses, each once, in the order given.
func Nemeses(groups ...[]Nemesis) []Nemesis {
	var out []Nemesis
	for _, g := range groups {
		for _, k := range g {
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	return out
}

// AllNemeses lists every nemesis, sorted by name.
func AllNemeses() []Nemesis {
	out := make([]Nemesis, 0, len(NemesisKinds))
	for k := range NemesisKinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func nemesisStrings(ks []Nemesis) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// NemesisSchedule builds a cyclic schedule from nemesis names: each fault in
// turn starts 1 s into its slot of periodNs (default 4 s) and is undone 2 s
// later. The faults never overlap; MixSchedule overlaps them.
func NemesisSchedule(kinds []Nemesis, periodNs int64) (Schedule, error) {
	if periodNs <= 0 {
		periodNs = 4_000_000_000
	}
	var s Schedule
	for i, k := range kinds {
		pair, ok := NemesisKinds[k]
		if !ok {
			return Schedule{}, fmt.Errorf("unknown nemesis %q", clip(string(k)))
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

// Mix is Jepsen's combined nemesis: every kind starts and stops on its
// own, so faults of different kinds overlap. Each kind is in force a
// Density fraction of the time, in occurrences of MeanOnNs on average
// (each between half and one and a half times the mean) separated by off
// times of mean MeanOnNs·(1−Density)/Density; each kind first starts
// within 2 s (or its off time, if shorter), so that every kind fires even
// in a short run. The timings come from the
// run's seed, so a seed replays them exactly, and from a source of their
// own, so they are the same whatever the design under test does.
type Mix struct {
	Kinds    []Nemesis `json:"kinds"`
	Density  float64   `json:"density"`              // (0, 1]: the fraction of time each kind is in force
	MeanOnNs int64     `json:"mean_on_ns,omitempty"` // default DefaultMeanOnNs
	// StartNs is when the first faults may begin (0: at once).
	StartNs int64 `json:"start_ns,omitempty"`
	// MaxCrashed bounds the nodes down at once; 0 means a minority (and at
	// least one), as Jepsen's nemeses keep a majority up by default. A
	// crash that would pass it is skipped.
	MaxCrashed int `json:"max_crashed,omitempty"`
}

// Defaults of a mix.
const (
	// DefaultDensity is each kind's share of the time when a mix has a
	// few kinds, as in Jepsen's combined nemesis, whose faults flip on and
	// off and so are each in force about half the time.
	DefaultDensity        = 0.5
	DefaultMeanOnNs int64 = 1_000_000_000
	// defaultFaultsAtOnce is how many faults a mix of many kinds keeps in
	// force at once on average: with every kind in force half the time,
	// `--nemesis all` would keep seven at once and leave a cluster
	// answering one operation in a hundred, which tests nothing.
	defaultFaultsAtOnce = 1.5
)

// DensityFor is the default density of a mix of k kinds: DefaultDensity
// for up to three, then 1.5/k, about one or two faults in force at once.
func DensityFor(k int) float64 {
	return min(DefaultDensity, defaultFaultsAtOnce/float64(max(k, 1)))
}

// MixSchedule builds a schedule of overlapping faults of the given kinds
// (density 0: DensityFor the number of kinds).
func MixSchedule(kinds []Nemesis, density float64) (Schedule, error) {
	if density == 0 {
		density = DensityFor(len(kinds))
	}
	m := &Mix{Kinds: slices.Clone(kinds), Density: density}
	if err := m.Validate(MaxNodes); err != nil {
		return Schedule{}, err
	}
	return Schedule{Mix: m}, nil
}
