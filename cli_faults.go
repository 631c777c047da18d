package main

import (
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// runFaultJSON is one fault of a run as --json gives it: what it was, who
// made it, and the stretch of virtual time it was in force.
type runFaultJSON struct {
	Kind   string   `json:"kind"`             // partition, crash, pause, clock-skew, net-delay, ...
	Target string   `json:"target,omitempty"` // the rule that picked its nodes: random, leader, ...
	Nodes  []string `json:"nodes,omitempty"`  // the nodes it hit
	Desc   string   `json:"desc"`             // as the trace says it: "partition {n3} | {n1 n2}"
	Owner  string   `json:"owner"`            // schedule, learner, "mix partition", ...
	FromNs int64    `json:"from_ns"`          // virtual time it began
	ToNs   int64    `json:"to_ns"`            // virtual time it ended: its heal, or the run's end
	Healed bool     `json:"healed"`           // false: still in force when the run ended
}

// faultSpans pairs a run's applied faults into intervals: a fault lasts
// until its owner's heal, restart, resume or reset undoes it (a learner's
// or the simulator's undoes every owner's, as the simulator does), until
// the same owner replaces it, or to the run's end. Undoing actions are not
// listed themselves.
func faultSpans(s *sim.Sim, end int64) []runFaultJSON {
	out := []runFaultJSON{}
	open := map[string]int{} // owner|what → index in out
	key := func(o sim.Owner, what string) string { return s.OwnerName(o) + "|" + what }
	// stop ends the open faults match picks: a's owner's, or with
	// everyOwner every owner's.
	stop := func(a sim.AppliedFault, everyOwner bool, match func(what string) bool) {
		for k, i := range open {
			owner, what, _ := strings.Cut(k, "|")
			if (everyOwner || owner == s.OwnerName(a.Owner)) && match(what) {
				out[i].ToNs, out[i].Healed = a.Time, true
				delete(open, k)
			}
		}
	}
	begin := func(a sim.AppliedFault, what string, nodes []string) {
		stop(a, false, func(w string) bool { return w == what })
		open[key(a.Owner, what)] = len(out)
		out = append(out, runFaultJSON{Kind: string(a.Fault.Kind), Target: string(a.Fault.Target), Nodes: nodes, Desc: a.Desc,
			Owner: s.OwnerName(a.Owner), FromNs: a.Time, ToNs: end})
	}
	is := func(names ...string) func(string) bool {
		return func(w string) bool {
			for _, n := range names {
				if w == n || strings.HasPrefix(w, n+":") {
					return true
				}
			}
			return false
		}
	}
	onNodes := func(kind string, nodes []string) func(string) bool {
		return func(w string) bool {
			k, node, _ := strings.Cut(w, ":")
			return k == kind && (len(nodes) == 0 || slices.Contains(nodes, node))
		}
	}
	for _, a := range s.Applied() {
		f := a.Fault
		undo := func(match func(string) bool) { stop(a, a.Owner == sim.OwnerLearner || a.Owner == sim.OwnerSim, match) }
		switch f.Kind {
		case sim.FaultPartition:
			begin(a, "partition", f.Nodes)
		case sim.FaultHeal:
			undo(is("partition"))
		case sim.FaultCrash, sim.FaultPause:
			for _, n := range f.Nodes {
				if _, held := open[key(a.Owner, string(f.Kind)+":"+n)]; !held {
					begin(a, string(f.Kind)+":"+n, []string{n})
				}
			}
		case sim.FaultRestart:
			undo(onNodes(string(sim.FaultCrash), f.Nodes))
		case sim.FaultResume:
			undo(onNodes(string(sim.FaultPause), f.Nodes))
		case sim.FaultClockSkew, sim.FaultClockJump, sim.FaultClockStrobe:
			for _, n := range f.Nodes {
				stop(a, false, func(w string) bool { return w == "clock:"+n })
				if f.DeltaNs != 0 {
					begin(a, "clock:"+n, []string{n})
				}
			}
		case sim.FaultClockReset:
			undo(onNodes("clock", f.Nodes))
		case sim.FaultLoss, sim.FaultDuplicate, sim.FaultDelay:
			stop(a, false, is(string(f.Kind)))
			if f.Probability > 0 || f.DelayNs > 0 {
				begin(a, string(f.Kind), nil)
			}
		case sim.FaultNetReset:
			undo(is(string(sim.FaultLoss), string(sim.FaultDuplicate), string(sim.FaultDelay)))
		case sim.FaultHealAll:
			stop(a, true, func(string) bool { return true })
		}
	}
	return out
}

// witnessFaultJSON is a fault in force during the witness's operations,
// as the text's "Faults in force during these operations" names it.
type witnessFaultJSON struct {
	Name       string `json:"name"`             // the record's f: start-partition, crash, ...
	Detail     string `json:"detail,omitempty"` // its description
	FromRecord int64  `json:"from_record"`      // the index of the record that began it
	ToRecord   int64  `json:"to_record"`        // the index of the record that ended it (or the last)
	Ended      bool   `json:"ended"`            // false: never ended in the history
	FromNs     int64  `json:"from_ns,omitempty"`
	ToNs       int64  `json:"to_ns,omitempty"`
}

// witnessFaults is res.Faults for --json, with the records' times from h.
func witnessFaults(h history.History, faults []checker.Fault) []witnessFaultJSON {
	var out []witnessFaultJSON
	for _, f := range faults {
		w := witnessFaultJSON{Name: f.Name, Detail: f.Detail, FromRecord: f.From, ToRecord: f.To, Ended: f.Ended}
		if f.Start >= 0 && f.End < len(h) && f.Start <= f.End {
			w.FromNs, w.ToNs = h[f.Start].Time, h[f.End].Time
		}
		out = append(out, w)
	}
	return out
}
