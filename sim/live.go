package sim

import "fmt"

// liveFaults are the learner's faults: those a scenario brings to replay
// (by step, or by virtual time when ByTime) and those applied so far.
type liveFaults struct {
	byStep   []Fault // to replay at their recorded step, in order
	byTime   []Fault // to replay at their virtual time, in order
	nextStep int
	nextTime int
	done     []Fault // applied so far, in the order they happened, with this run's steps
}

func (l *liveFaults) add(f Fault) {
	if f.ByTime {
		l.byTime = append(l.byTime, f)
	} else {
		l.byStep = append(l.byStep, f)
	}
}

// applyLive applies the live faults due before the next event: those
// recorded at this step, and those recorded by time whose moment comes
// before the next event's (at most until, when until ≥ 0). A replay thus
// applies a fault injected between two events between the same two
// events; one carried to another variant lands before the first event
// after its moment, in recorded order.
func (s *Sim) applyLive(until int64) {
	l := &s.live
	for l.nextStep < len(l.byStep) && !s.Done() {
		f := l.byStep[l.nextStep]
		if f.Step > s.steps || (until >= 0 && f.At > until) {
			break
		}
		l.nextStep++
		s.applyLiveFault(f)
	}
	for l.nextTime < len(l.byTime) && !s.Done() {
		f := l.byTime[l.nextTime]
		if next, ok := s.NextTime(); (ok && next <= f.At) || (until >= 0 && f.At > until) {
			break
		}
		l.nextTime++
		s.applyLiveFault(f)
	}
}

// applyLiveFault applies a learner's fault now (or at its moment, when
// playback has not reached it) and records it with this run's step.
func (s *Sim) applyLiveFault(f Fault) AppliedFault {
	s.now = max(s.now, f.At)
	f.Live, f.Step, f.ByTime, f.At = true, s.steps, false, s.now
	s.live.done = append(s.live.done, f)
	return s.applyFault(f, OwnerLearner, s.nemesisRNG)
}

// CatchUp applies the live faults due by virtual time t at the current
// step. Step applies a live fault just before the next event, so a replay
// stopped by RunUntil(t) between the injection and that event would show
// the world without it; after CatchUp the state at t is the recorded
// run's (the history is the same either way).
func (s *Sim) CatchUp(t int64) {
	if !s.Done() {
		s.applyLive(t)
	}
}

// Inject applies a fault now, from outside the run (the TUI's keys), as the
// learner's, and records it with the current step so a replay applies it
// at the same point.
func (s *Sim) Inject(f Fault) (AppliedFault, error) {
	if err := f.Validate(s.nodeIDs); err != nil {
		return AppliedFault{}, err
	}
	if s.Done() {
		return AppliedFault{}, fmt.Errorf("the run is over")
	}
	f.At = s.now
	return s.applyLiveFault(f), nil
}

// Schedule is the run's fault schedule: the scheduled faults, the mix, and
// every live fault — those applied so far, with the steps they were applied
// at in this run, then those still to come. Saving it in a scenario
// replays the run exactly.
func (s *Sim) Schedule() Schedule {
	out := Schedule{CycleNs: s.schedule.CycleNs, Mix: s.schedule.Mix}
	out.Faults = append(out.Faults, s.scheduled...)
	out.Faults = append(out.Faults, s.live.done...)
	out.Faults = append(out.Faults, s.live.byStep[s.live.nextStep:]...)
	out.Faults = append(out.Faults, s.live.byTime[s.live.nextTime:]...)
	return out
}

// ByTime returns the schedule with every live fault marked to replay at
// its virtual time rather than its step: what a replay against another
// variant (whose steps mean nothing to these) needs.
func (sc Schedule) ByTime() Schedule {
	out := sc
	out.Faults = make([]Fault, len(sc.Faults))
	for i, f := range sc.Faults {
		if f.Live {
			f.ByTime, f.Step = true, 0
		}
		out.Faults[i] = f
	}
	return out
}
