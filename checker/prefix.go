package checker

import "sort"

// firstFailure finds the shortest prefix of the history (in records)
// under which calls are not linearizable, given that the whole history is
// not. Longer prefixes only add constraints, so the answer is the first
// completion that tips it. It returns the prefix length that fails (the
// tipping completion's position plus one), or -1 when the search was
// stopped.
//
// It bisects, but not always in the middle: proving a prefix fails means
// trying every order of it, proving one holds means finding one order, and
// on a hard history the first can cost a thousand times the second. So
// each probe splits the range in the ratio of what the two kinds of probe
// have cost so far (in model steps, the same on every machine), starting
// from the cost of the search that found the whole history failing
// (failCost, 0 when unknown) and of one step an operation for one that
// holds: when failing probes are dear, it walks up from below, with one or
// two of them.
func (s *searcher) firstFailure(calls []*call, records int, failCost int64) int {
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
	var okCost, okN, badCost, badN int64
	if failCost > 0 {
		okCost, okN, badCost, badN = int64(len(calls)), 1, failCost, 1
	}
	lo, hi := 0, len(cands)-1 // the answer is in [lo, hi]; cands[hi]+1 fails
	for lo < hi {
		mid := (lo + hi) / 2
		if okN > 0 && badN > 0 {
			ok, bad := float64(okCost)/float64(okN), float64(badCost)/float64(badN)
			mid = lo + int(float64(hi-lo)*min(ok/(ok+bad), 0.5))
		}
		before := s.spent()
		v := s.check(calls, cands[mid]+1)
		cost := s.spent() - before + 1
		switch v {
		case vIllegal:
			hi = mid
			badCost, badN = badCost+cost, badN+1
		case vOK:
			lo = mid + 1
			okCost, okN = okCost+cost, okN+1
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
