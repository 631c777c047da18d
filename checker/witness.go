package checker

import (
	"context"
	"sort"
	"time"

	"github.com/faultline-lab/faultline/history"
)

// explain fills the failure part of res: the failing operation, the longest
// linearizable prefix, the minimal witness, the anomaly and its explanation.
func explain(ctx context.Context, p *prepared, failing []int, timeout time.Duration, res *Result) error {
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s, release, err := newSearcher(wctx, p.m, p.init)
	if err != nil {
		return err
	}
	defer release()

	part, cut := failing[0], -1
	for _, i := range failing {
		c := s.firstFailure(p.partitions[i], len(p.h))
		if c < 0 {
			break
		}
		if cut < 0 || c < cut {
			part, cut = i, c
		}
	}
	if cut < 0 {
		cut = len(p.h)
	}
	res.Prefix = cut - 1
	res.Key = p.keys[part]
	var failCall *call
	for _, c := range p.partitions[part] {
		if c.compPos == cut-1 {
			failCall = c
			inv := c.inv
			res.Failing = &inv
		}
	}

	universe := asOf(p.partitions[part], cut)
	sh := newShrinker(s, universe)
	// First shrink around the operation whose completion tipped the
	// history, keeping the failure its doing; then drop whatever else can
	// go, so that the witness is minimal whatever the cause.
	if failCall != nil {
		sh.tip = failCall.id
	}
	projected, elems := sh.fewestElements(universe, failCall)
	if !sh.nonLinearizable(projected) {
		sh.tip = -1
		projected, elems = sh.fewestElements(universe, failCall)
	}
	wit := sh.minimize(projected)
	sh.tip = -1
	wit = sh.minimize(wit)
	res.WitnessMinimal = !s.stopped()
	res.Witness = witnessRecords(wit)
	if failCall != nil && (failCall.status == statusFailed || !containsCall(wit, failCall)) {
		// The failure of an operation that was still in flight took away
		// the last explanation; the operation left unexplained is the
		// witness's last to complete.
		last := (*call)(nil)
		for _, c := range wit {
			if c.comp != nil && c.status != statusFailed && c.status != statusUnknown && (last == nil || c.compPos > last.compPos) {
				last = c
			}
		}
		if last != nil {
			failCall = last
		}
		inv := failCall.inv
		res.Failing = &inv
	}
	a := analysis{p: p, part: p.partitions[part], univ: universe, key: res.Key, wit: wit, failing: failCall, elems: elems, projected: len(elems) > 0 && len(elems) < countElements(p.m, universe)}
	res.Anomaly, res.Explanation = a.describe()
	if !res.WitnessMinimal {
		res.Explanation += " (The search for a smaller witness ran out of time; this one may not be minimal.)"
	}
	return nil
}

func containsCall(cs []*call, c *call) bool {
	for _, x := range cs {
		if x.id == c.id {
			return true
		}
	}
	return false
}

func countElements(m *model, calls []*call) int {
	seen := map[string]bool{}
	for _, c := range calls {
		for _, e := range m.elements(c) {
			seen[e] = true
		}
	}
	return len(seen)
}

// witnessRecords lists the calls' invocations and completions in history
// order.
func witnessRecords(calls []*call) history.History {
	type rec struct {
		pos int
		op  history.Op
	}
	var recs []rec
	for _, c := range calls {
		recs = append(recs, rec{c.invPos, c.inv})
		if c.comp != nil {
			recs = append(recs, rec{c.compPos, *c.comp})
		}
	}
	sort.Slice(recs, func(i, j int) bool { return recs[i].pos < recs[j].pos })
	h := make(history.History, len(recs))
	for i, r := range recs {
		h[i] = r.op
	}
	return h
}
