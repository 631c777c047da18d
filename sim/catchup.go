package sim

// CatchUp applies the live faults that were injected by virtual time t at
// the current step. Step applies a live fault just before the next event,
// so a replay stopped by RunUntil(t) between the injection and that event
// would show the world without it; after CatchUp the state at t is the
// recorded run's (the history is the same either way).
func (s *Sim) CatchUp(t int64) {
	if s.Done() {
		return
	}
	for s.liveNext < len(s.live) && s.live[s.liveNext].Step <= s.steps && s.live[s.liveNext].At <= t {
		s.now = max(s.now, s.live[s.liveNext].At)
		s.applyFault(s.live[s.liveNext])
		s.liveNext++
	}
}
