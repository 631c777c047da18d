package checker

import (
	"sort"

	"github.com/faultline-lab/faultline/history"
)

// explain fills the failure part of res: the longest linearizable prefix,
// the minimal witness and its failing operation, the anomaly and its
// explanation. Its searches are budgeted in model steps, so the witness is
// the same on every machine; the check's time and memory limits still
// apply, and when one stops the search first the result says what was
// proved and what was not.
func explain(p *prepared, outcomes []outcome, failing []int, lim *limits, opts Options, res *Result) error {
	s, err := newSearcher(p.m, p.init, lim)
	if err != nil {
		return err
	}
	steps := opts.WitnessSteps
	if steps <= 0 {
		steps = DefaultWitnessSteps
	}
	part := witnessPart(s, p, outcomes, steps/partShare)
	s.budget = &stepBudget{left: steps, total: steps}
	if part < 0 {
		// No part's failure could be shown within the budget: the witness
		// is the first part the verdict search found failing, whole.
		part = failing[0]
		s.budget.spend(steps + 1)
	}
	cut := -1
	if !s.budget.exhausted {
		failCost := int64(0)
		if o := outcomes[part]; o.finished {
			failCost = o.steps
		}
		cut = s.firstFailure(p.partitions[part], len(p.h), failCost)
	}
	res.Key = p.keys[part]
	calls := p.partitions[part]
	var failCall *call
	universe := calls
	if cut >= 0 {
		res.Prefix = cut - 1
		tip := p.h[cut-1]
		res.Tip = &tip
		universe = asOf(calls, cut)
		for _, c := range universe {
			if c.compPos == cut-1 {
				failCall = c
			}
		}
	}

	sh := newShrinker(s, universe)
	var wit []*call
	if p.m.witness != nil {
		if f := p.m.witness(sh, calls, universe, failCall); f != nil {
			wit, failCall = f.calls, f.failing
		}
	}
	if wit == nil {
		wit = sh.shrink(universe, failCall)
	}
	res.WitnessMinimal = !s.stopped()
	if !res.WitnessMinimal {
		res.Reason = lim.reason(s.reason(), "witness search")
	}
	res.Witness = witnessRecords(wit)
	if failCall == nil || failCall.status == statusFailed || !containsCall(wit, failCall) {
		// The failure of an operation that was still in flight took away
		// the last explanation (or the search stopped before the failing
		// prefix was known): the operation left unexplained is the
		// witness's last to complete.
		if last := lastCompleted(wit); last != nil {
			failCall = last
		}
	}
	for _, c := range wit {
		if failCall != nil && c.id == failCall.id {
			failCall = c // as the witness shows it (projected)
		}
	}
	if failCall != nil {
		inv := failCall.inv
		res.Failing = &inv
	}
	elems, projected := shownElements(p.m, calls, wit)
	if projected {
		res.Shown = elems
	}
	a := &analysis{p: p, part: calls, univ: universe, key: res.Key, wit: wit, failing: failCall, elems: elems, projected: projected}
	if stop := s.reason(); stop == stopDeadline || stop == stopMemory || stop == stopCancelled || !res.WitnessMinimal && len(wit) > explainMax {
		// The machine's limits stopped the search (the witness depends on
		// how fast the machine is, and so would a name given to it), or
		// the budget left a witness too long to explain: say only what
		// was proved.
		res.Anomaly, res.Explanation = AnomalyUnexplained, a.unexplained(stop, res.Reason)
	} else {
		res.Anomaly, res.Explanation = a.describe()
		if !res.WitnessMinimal {
			res.Explanation += " (The witness search used up its step budget before this witness was minimal: it is the same on every machine, but a smaller one may exist.)"
		}
	}
	if p.m.group != nil && len(wit) > storyMax {
		res.Summary = p.m.group(a)
	}
	res.Faults = faultsDuring(p.h, wit)
	return nil
}

// witnessPart is the part the witness comes from: the first, in key
// order, whose search fails within steps model steps. Which parts the
// verdict search finished depends on the machine's speed; the answer here
// does not: a search is deterministic, so a part the verdict search
// finished (or gave up on) in more steps than the budget would not have
// finished within it, and a part it stopped early is searched again.
// -1 when none fails within the budget, or a limit stopped the search.
func witnessPart(s *searcher, p *prepared, outcomes []outcome, steps int64) int {
	if len(outcomes) == 1 && outcomes[0].v == vIllegal {
		return 0 // no choice to make
	}
	for i, o := range outcomes {
		v := o.v
		switch {
		case o.steps > steps:
			continue
		case !o.finished:
			v, _ = s.run(p.partitions[i], len(p.h), steps)
		}
		if s.lim.stopped() != running {
			return -1
		}
		if v == vIllegal {
			return i
		}
	}
	return -1
}

// partShare: a part's search, to find the witness's part, may take this
// share of the budget (1/partShare); the rest is the witness's own.
const partShare = 8

// explainMax is the longest witness the search may leave unfinished and
// still explain: the explanations compare its operations pairwise.
const explainMax = 64

// found is a witness a model built without the general search.
type found struct {
	calls   []*call
	failing *call
}

// shrink is the general witness search: project onto as few elements as
// still fail, then drop operations (ddmin), first keeping the failure
// anchored on the operation that tipped the history, then dropping
// whatever else can go, so that the witness is minimal whatever the cause.
func (sh *shrinker) shrink(universe []*call, failCall *call) []*call {
	if failCall != nil {
		sh.tip = failCall.id
	}
	// The failing prefix is known to fail because of its tip: the prefix
	// search proved it fails, and fails no more without the tip's
	// completion. fewestElements keeps only projections that still do.
	projected := sh.fewestElements(universe, failCall)
	if sh.tip >= 0 {
		projected = sh.window(projected, failCall)
	}
	wit := sh.minimize(projected)
	sh.tip = -1
	return sh.minimize(wit)
}

// shownElements lists the elements the witness's operations hold, in the
// order they appear, and whether the witness keeps fewer of some
// operation's elements than the history has (it was projected).
func shownElements(m *model, part, wit []*call) ([]string, bool) {
	if m.elements == nil {
		return nil, false
	}
	byID := map[int]*call{}
	for _, c := range part {
		byID[c.id] = c
	}
	var elems []string
	seen := map[string]bool{}
	projected := false
	for _, c := range wit {
		es := m.elements(c)
		for _, e := range es {
			if !seen[e] {
				seen[e] = true
				elems = append(elems, e)
			}
		}
		if orig := byID[c.id]; orig != nil && len(m.elements(orig)) != len(es) {
			projected = true
		}
	}
	return elems, projected
}

func lastCompleted(wit []*call) *call {
	var last *call
	for _, c := range wit {
		if c.comp != nil && c.status != statusFailed && c.status != statusUnknown && (last == nil || c.compPos > last.compPos) {
			last = c
		}
	}
	return last
}

func containsCall(cs []*call, c *call) bool {
	for _, x := range cs {
		if x.id == c.id {
			return true
		}
	}
	return false
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
