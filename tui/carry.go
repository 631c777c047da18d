package tui

import (
	"github.com/faultline-lab/faultline/sim"
)

// learnerFaults are the faults the learner pressed in a run, marked to
// replay at their virtual moments (sim's ByTime): another variant, or the
// same one without the lesson's schedule, takes other steps, but the
// faults come at the same moments. The scenario of the next run lists
// them, so its export replays it exactly.
func learnerFaults(s *sim.Sim) []sim.Fault {
	live := sim.Schedule{Faults: s.Schedule().Live()}
	return live.ByTime().Faults
}

// withCarried is a lesson's schedule with the learner's faults of the
// last run added.
func withCarried(s sim.Schedule, carry []sim.Fault) sim.Schedule {
	out := s
	out.Faults = append(append([]sim.Fault(nil), s.Faults...), carry...)
	return out
}
