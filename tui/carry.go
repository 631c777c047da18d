package tui

import (
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// carriedFault is one of the learner's faults taken from a run to the next
// one (v switches the variant, o the schedule): the fault, at the virtual
// moment it was pressed. A live fault's step does not carry over — another
// variant takes other steps — but its moment does.
//
// When sim offers a replay of the learner's faults against another
// variant, learnerFaults and stepCarrying give way to it.
type carriedFault = sim.Fault

// learnerFaults are the faults the learner pressed in a run, each at its
// moment.
func learnerFaults(s *sim.Sim) []carriedFault {
	var out []carriedFault
	for _, f := range s.Schedule().Faults {
		if f.Live {
			f.Live, f.Step = false, 0
			out = append(out, f)
		}
	}
	return out
}

// stepCarrying processes the next event of s, or first injects the
// carried fault that is due before it.
func stepCarrying(s *sim.Sim, pending *[]carriedFault) {
	if len(*pending) > 0 {
		f := (*pending)[0]
		next, ok := s.NextTime()
		if !ok || f.At < next {
			s.RunUntil(f.At)
			f.At = 0
			s.Inject(f) // checked when it was first pressed; an error here changes nothing
			*pending = (*pending)[1:]
			return
		}
	}
	s.Step()
}

// startCarried hands a fresh run the learner's faults: those pressed
// before the run began apply at once, as if pressed again; the others
// wait for their moment.
func startCarried(p *playback, carry []carriedFault) {
	for _, f := range carry {
		if f.At <= 0 {
			f.At = 0
			p.s.Inject(f)
			continue
		}
		p.pending = append(p.pending, f)
	}
	p.absorb()
}

// aimsAtRoles reports whether a schedule aims a fault at a role (the
// leader, the primary): the same schedule then hits whichever node holds
// it, which differs between variants.
func aimsAtRoles(s sim.Schedule) bool {
	for _, f := range s.Faults {
		if f.Live {
			continue
		}
		if f.Shape == sim.ShapeLeader || f.Shape == sim.ShapePrimary || f.Target == "leader" || strings.HasPrefix(f.Target, "role:") {
			return true
		}
	}
	return false
}
