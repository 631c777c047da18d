package checker

import "sort"

// firstFailure finds, by binary search, the shortest prefix of the history
// (in records) under which calls are not linearizable, given that the whole
// history is not. Longer prefixes only add constraints, so the answer is
// the first completion that tips it. It returns the prefix length that
// fails (the tipping completion's position plus one), or -1 when the
// search was stopped.
func (s *searcher) firstFailure(calls []*call, records int) int {
	var cands []int
	for _, c := range calls {
		if c.compPos >= 0 && c.status != statusUnknown {
			cands = append(cands, c.compPos)
		}
	}
	sort.Ints(cands)
	if len(cands) == 0 {
		return records
	}
	lo, hi := 0, len(cands)-1 // the answer is in [lo, hi]; cands[hi]+1 fails
	for lo < hi {
		mid := (lo + hi) / 2
		switch s.check(calls, cands[mid]+1) {
		case vIllegal:
			hi = mid
		case vOK:
			lo = mid + 1
		default:
			return -1
		}
	}
	return cands[hi] + 1
}

// asOf returns the calls invoked before cut, each as the first cut records
// show it: an operation not yet completed (or that failed later) may take
// effect at any time, or never, and has no completion in the witness.
func asOf(calls []*call, cut int) []*call {
	var out []*call
	for _, c := range calls {
		if c.invPos >= cut {
			continue
		}
		if c.compPos >= cut {
			u := *c
			u.status, u.result, u.comp, u.compPos = statusUnknown, nil, nil, -1
			c = &u
		}
		out = append(out, c)
	}
	return out
}
