package sim

import (
	"fmt"
	"slices"
	"strings"
)

// UpcomingFault is a fault the schedule or the mix will start, if the run
// is still in its main phase by then (faults stop with it).
type UpcomingFault struct {
	At    int64
	Owner Owner
	Fault Fault // as scheduled: its nodes are resolved only when it happens
	// ForNs is how long it will be in force, until its owner's undo (0: not
	// undone within a cycle, or the fault is an undo itself).
	ForNs int64
}

// String says what will happen, for a status line: "at 5s: partition
// (one node) for 3s".
func (u UpcomingFault) String() string {
	s := "at " + FormatDuration(u.At) + ": " + DescribeFault(u.Fault)
	if u.ForNs > 0 {
		s += " for " + FormatDuration(u.ForNs)
	}
	return s
}

// Upcoming lists the next n faults the schedule's list and the mix will
// start, earliest first. Undos (heal, restart, ...) are not listed: each
// start says how long it lasts instead.
func (s *Sim) Upcoming(n int) []UpcomingFault {
	if n <= 0 || s.Done() || s.phase != phaseMain {
		return nil
	}
	type next struct {
		at  int64
		seq int64 // queue order among faults due at the same moment
		k   int   // list index
	}
	var list []next
	for _, sl := range s.queue.heap {
		if e := s.queue.data[sl.id]; e.kind == evFault && !undoKind(s.scheduled[e.who].Kind) {
			list = append(list, next{sl.at, sl.seq, e.who})
		}
	}
	var out []UpcomingFault
	for len(out) < n && len(list) > 0 {
		best := 0
		for j := range list {
			if list[j].at < list[best].at || (list[j].at == list[best].at && list[j].seq < list[best].seq) {
				best = j
			}
		}
		x := list[best]
		f := s.scheduled[x.k]
		out = append(out, UpcomingFault{At: x.at, Owner: OwnerSchedule, Fault: f, ForNs: s.scheduledFor(x.k, x.at)})
		if s.schedule.CycleNs > 0 {
			list[best].at += s.schedule.CycleNs
			list[best].seq += 1 << 40 // after every fault queued now
		} else {
			list = slices.Delete(list, best, best+1)
		}
	}
	for i := range s.mix {
		st := &s.mix[i]
		if !st.active {
			out = append(out, UpcomingFault{At: st.next, Owner: st.owner, Fault: st.on, ForNs: st.nextOnNs})
		}
	}
	slices.SortStableFunc(out, func(a, b UpcomingFault) int {
		switch {
		case a.At < b.At:
			return -1
		case a.At > b.At:
			return 1
		}
		return 0
	})
	return out[:min(n, len(out))]
}

// scheduledFor is how long list fault k, starting at at, stays in force:
// until the first later fault of the list that undoes it.
func (s *Sim) scheduledFor(k int, at int64) int64 {
	f := s.scheduled[k]
	best := int64(-1)
	for j, u := range s.scheduled {
		if !undoes(u.Kind, f.Kind) {
			continue
		}
		t := u.At // its first occurrence at or after at (after k's, at the same moment)
		if c := s.schedule.CycleNs; c > 0 {
			base := at - at%c + u.At
			for base < at || (base == at && j <= k) {
				base += c
			}
			t = base
		} else if t < at || (t == at && j <= k) {
			continue
		}
		if best < 0 || t < best {
			best = t
		}
	}
	if best < 0 {
		return 0
	}
	return best - at
}

func undoKind(k FaultKind) bool {
	switch k {
	case FaultHeal, FaultRestart, FaultResume, FaultClockReset, FaultNetReset, FaultHealAll:
		return true
	}
	return false
}

// undoes reports whether a fault of kind u ends one of kind f.
func undoes(u, f FaultKind) bool {
	if u == FaultHealAll {
		return true
	}
	switch f {
	case FaultPartition:
		return u == FaultHeal
	case FaultCrash:
		return u == FaultRestart
	case FaultPause:
		return u == FaultResume
	case FaultClockSkew, FaultClockJump, FaultClockStrobe:
		return u == FaultClockReset
	case FaultLoss, FaultDuplicate, FaultDelay:
		return u == FaultNetReset
	}
	return false
}

// DescribeFault says what a fault does before it is resolved to nodes:
// "partition (one node)", "crash of the leader", "20% message loss".
func DescribeFault(f Fault) string {
	who := describeTarget(f)
	switch f.Kind {
	case FaultPartition:
		if len(f.Nodes) > 0 {
			return "partition (" + strings.Join(f.Nodes, " ") + " cut off)"
		}
		return "partition (" + describeShape(f) + ")"
	case FaultCrash, FaultRestart, FaultPause, FaultResume:
		return string(f.Kind) + " of " + who
	case FaultClockSkew:
		return fmt.Sprintf("clock of %s set %s off", who, signed(f.DeltaNs))
	case FaultClockJump:
		return fmt.Sprintf("clock of %s jumps %s", who, signed(f.DeltaNs))
	case FaultClockStrobe:
		return fmt.Sprintf("clock of %s strobes by %s every %s", who, FormatDuration(f.DeltaNs), FormatDuration(f.PeriodNs))
	case FaultLoss:
		return fmt.Sprintf("%.0f%% message loss", 100*f.Probability)
	case FaultDuplicate:
		return fmt.Sprintf("%.0f%% message duplication", 100*f.Probability)
	case FaultDelay:
		return "message delay up to " + FormatDuration(f.DelayNs)
	case FaultHeal:
		return "heal"
	case FaultClockReset:
		return "clocks reset"
	case FaultNetReset:
		return "network loss, duplication and delay off"
	case FaultHealAll:
		return "heal everything"
	}
	return string(f.Kind)
}

func signed(ns int64) string {
	if ns >= 0 {
		return "+" + FormatDuration(ns)
	}
	return FormatDuration(ns)
}

func describeShape(f Fault) string {
	switch f.Shape {
	case ShapeOne:
		return "one node"
	case ShapeLeader:
		return "the leader"
	case ShapePrimary:
		return "the primary"
	case ShapeRing:
		return "majorities ring"
	case ShapeBridge:
		return "bridge"
	case ShapeGroups:
		var parts []string
		for _, g := range f.Groups {
			parts = append(parts, "{"+strings.Join(g, " ")+"}")
		}
		return strings.Join(parts, " | ")
	}
	return "random halves"
}

func describeTarget(f Fault) string {
	if len(f.Nodes) > 0 {
		return strings.Join(f.Nodes, " ")
	}
	switch f.Target {
	case TargetAll:
		return "every node"
	case TargetLeader:
		return "the leader"
	case TargetMinority:
		return "a minority"
	case TargetMajority:
		return "a majority"
	case TargetBridge:
		return "the bridge node"
	}
	if r, ok := f.Target.Role(); ok {
		return "a " + string(r)
	}
	return "a random node"
}
