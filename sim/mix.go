package sim

import (
	"math"
	"math/rand/v2"
)

// mixStream is one kind of a Mix: it starts its fault, holds it for an
// on time, undoes it, waits an off time, and again, independently of the
// other kinds, as its own Owner.
type mixStream struct {
	name     Nemesis
	on, off  Fault
	owner    Owner
	rng      *rand.Rand // timings and targets: the same whatever the design does
	active   bool       // its fault is in force
	next     int64      // when it next starts or stops
	nextOnNs int64      // how long its next occurrence will last
}

// startMix sets every kind of the mix going. The mix's randomness comes
// from a source of its own, derived from the seed alone: adding a mix to a
// run changes nothing else in it, and its timings do not depend on what
// the nodes do.
func (s *Sim) startMix(m Mix) {
	if m.MeanOnNs == 0 {
		m.MeanOnNs = DefaultMeanOnNs
	}
	if m.MaxCrashed == 0 {
		m.MaxCrashed = max(1, (s.cfg.Nodes-1)/2)
	}
	s.mixCfg = m
	root := rand.New(rand.NewPCG(s.seed^0x6a09e667f3bcc908, s.seed^0xbb67ae8584caa73b))
	for i, k := range m.Kinds {
		pair := NemesisKinds[k]
		st := mixStream{name: k, on: pair[0], off: pair[1], owner: OwnerMix + Owner(i),
			rng: rand.New(rand.NewPCG(root.Uint64(), root.Uint64()))}
		st.nextOnNs = s.mixOn(&st)
		st.next = m.StartNs + s.uniform(st.rng, 0, min(s.mixOffMean(), firstWithinNs))
		s.mix = append(s.mix, st)
		s.push(st.next, event{kind: evMix, who: i})
	}
}

// mixOn draws an occurrence's length: between half and one and a half
// times the mean.
func (s *Sim) mixOn(st *mixStream) int64 {
	m := s.mixCfg.MeanOnNs
	return s.uniform(st.rng, m/2, m+m/2)
}

// firstWithinNs bounds when each kind first starts, so that every kind
// fires early in even a short run, however low the density.
const firstWithinNs int64 = 2_000_000_000

// mixOffMean is the mean time between occurrences, which makes each kind
// in force a Density fraction of the time.
func (s *Sim) mixOffMean() int64 {
	d := s.mixCfg.Density
	return int64(math.Min(float64(s.mixCfg.MeanOnNs)*(1-d)/d, float64(MaxDurationNs)))
}

// mixOff draws the time between occurrences.
func (s *Sim) mixOff(st *mixStream) int64 {
	mean := s.mixOffMean()
	return s.uniform(st.rng, mean/2, mean+mean/2)
}

// mixFire starts or stops stream i's fault. Like the schedule's, the mix's
// faults stop with the main phase.
func (s *Sim) mixFire(i int) {
	if s.phase != phaseMain {
		return
	}
	st := &s.mix[i]
	switch {
	case st.active:
		s.applyFault(st.off, st.owner, st.rng)
		st.active = false
		st.nextOnNs = s.mixOn(st)
		st.next = s.now + s.mixOff(st)
	case !s.mixCanStart(st):
		// Skipped (a majority would be down, or no node is left to pause):
		// try again about when the faults in the way end.
		st.next = s.now + s.mixOn(st)
	default:
		s.applyFault(st.on, st.owner, st.rng)
		st.active = true
		st.next = s.now + st.nextOnNs
	}
	s.push(st.next, event{kind: evMix, who: i})
}

// mixCanStart reports whether a stream's fault would hit a node: a crash
// needs an up node and room under MaxCrashed; a pause an up node not yet
// paused.
func (s *Sim) mixCanStart(st *mixStream) bool {
	switch st.on.Kind {
	case FaultCrash:
		return s.crashedCount() < min(s.mixCfg.MaxCrashed, s.cfg.Nodes)
	case FaultPause:
		for i := range s.nodes {
			if s.nodes[i].up && !s.nodes[i].paused {
				return true
			}
		}
		return false
	}
	return true
}
