package checker

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
)

// casAnomaly names what compare-and-sets did wrong: two won from the same
// value, or one won from a value already replaced.
func (a *analysis) casAnomaly() (string, string) {
	if name, why := a.lostUpdate(); name != "" {
		return name, why
	}
	return a.staleCompare()
}

// lostUpdate finds two compare-and-sets from the same value v that both
// took effect while the register held v only once for them: nothing in
// the witness could write v again between them. Each consumed v (it wrote
// something else), so whichever ran second should have failed its compare;
// instead one update overwrote the other without seeing it.
func (a *analysis) lostUpdate() (string, string) {
	var casOps []*call
	for _, c := range a.wit {
		if c.op == opCAS && !valueEqual(c.arg, c.arg2) && (c.status == statusOK || a.shownBy(c) != nil) {
			casOps = append(casOps, c)
		}
	}
	for i, c1 := range casOps {
		for _, c2 := range casOps[i+1:] {
			if !valueEqual(c1.arg, c2.arg) || !a.heldOnce(c1, c2) {
				continue
			}
			return AnomalyLostUpdate, a.lostUpdateWords(c1, c2)
		}
	}
	return "", ""
}

// shownBy returns the completed read that proves the unknown
// compare-and-set c took effect: it returned c's new value, which nothing
// else in the witness writes (nor is it the initial value).
func (a *analysis) shownBy(c *call) *call {
	if c.op != opCAS || c.status != statusUnknown {
		return nil
	}
	return a.readOfOnly(c)
}

// heldOnce reports whether no write in the witness could have put c1's
// expected value back between c1 and c2: every write of it is certainly
// before both or certainly after both — or the only one that is neither
// is needed to put it there the first time.
func (a *analysis) heldOnce(c1, c2 *call) bool {
	v := c1.arg
	early := valueEqual(v, a.p.init)
	between := 0
	for _, w := range a.wit {
		if w == c1 || w == c2 || w.status == statusFailed || !writes(w, v) {
			continue
		}
		switch {
		case before(w, c1) && before(w, c2):
			early = true
		case before(c1, w) && before(c2, w):
		default:
			between++
		}
	}
	return between == 0 || between == 1 && !early
}

func (a *analysis) lostUpdateWords(c1, c2 *call) string {
	f := history.Format
	v := c1.arg
	var proof []string
	for _, c := range []*call{c1, c2} {
		if r := a.shownBy(c); r != nil {
			proof = append(proof, fmt.Sprintf("%s's compare-and-set from %s to %s got no answer, but %s read %s, which only it could have written: it took effect.",
				sentence(who(c)), f(c.arg), f(c.arg2), who(r), f(c.arg2)))
		}
	}
	var writers []*call
	for _, w := range a.wit {
		if w != c1 && w != c2 && w.status != statusFailed && writes(w, v) {
			writers = append(writers, w)
		}
	}
	both := fmt.Sprintf("both %s and %s changed it — to %s and to %s — with nothing writing %s again between the two.",
		who(c1), who(c2), f(c1.arg2), f(c2.arg2), f(v))
	var s string
	switch {
	case len(writers) == 1:
		s = fmt.Sprintf("%s put %s in the register once, and %s", sentence(who(writers[0])), f(v), both)
	case len(writers) == 0 && valueEqual(v, a.p.init):
		s = fmt.Sprintf("The register started at %s, and %s", f(v), both)
	default:
		s = fmt.Sprintf("The register held %s, and %s", f(v), both)
	}
	for i := len(proof) - 1; i >= 0; i-- {
		s = proof[i] + " " + s
	}
	return s + fmt.Sprintf(" Whichever ran second should have found %s gone and failed its compare. Both updates won from the same value: one overwrote the other without seeing it.", f(v))
}

// staleCompare finds a compare-and-set from v that took effect after a
// write of another value had certainly replaced v: it began after that
// write completed, or a read that began after it returned the
// compare-and-set's new value, which nothing else wrote. Its compare read
// stale state, and it overwrote the newer value without seeing it.
func (a *analysis) staleCompare() (string, string) {
	f := history.Format
	for _, c := range a.wit {
		if c.op != opCAS || valueEqual(c.arg, c.arg2) || c.status != statusOK && c.status != statusUnknown {
			continue
		}
		v := c.arg
		casWords := fmt.Sprintf("%s's compare-and-set from %s to %s", who(c), f(v), f(c.arg2))
		if c.status == statusUnknown {
			casWords += " (which got no answer)"
		}
		for _, w := range a.wit {
			x, ok := written(w)
			if !ok || w == c || valueEqual(x, v) || !a.replaced(v, w) {
				continue
			}
			if before(w, c) && c.status == statusOK && valueEqual(c.arg2, x) {
				return AnomalyStaleRead, fmt.Sprintf("%s's write of %s completed, replacing %s, before %s's compare-and-set from %s to %s began — yet that compare-and-set succeeded: it compared against stale state, and should have failed.",
					sentence(who(w)), f(x), f(v), who(c), f(v), f(c.arg2))
			}
			if before(w, c) && c.status == statusOK {
				return AnomalyLostUpdate, fmt.Sprintf("%s's write of %s completed, replacing %s, before %s's compare-and-set from %s to %s began — yet that compare-and-set succeeded. It compared against stale state and overwrote %s without seeing it: the write of %s was lost.",
					sentence(who(w)), f(x), f(v), who(c), f(v), f(c.arg2), f(x), f(x))
			}
			var shown string
			if r := a.readOfOnly(c); r != nil && before(w, r) {
				shown = fmt.Sprintf("%s's read began; that read returned %s, which only %s could have written",
					who(r), f(c.arg2), casWords)
			} else if m := a.missOnlyExplainedBy(c, w, x); m != nil {
				shown = fmt.Sprintf("%s's compare-and-set from %s began; it found %s gone, and only %s could have replaced it",
					who(m), f(x), f(x), casWords)
			} else {
				continue
			}
			return AnomalyLostUpdate, fmt.Sprintf("%s's write of %s completed, replacing %s, before %s — so that compare-and-set took effect after the write of %s, when the register no longer held %s. It compared against stale state and overwrote %s without seeing it: the write of %s was lost.",
				sentence(who(w)), f(x), f(v), shown, f(x), f(v), f(x), f(x))
		}
	}
	return "", ""
}

// missOnlyExplainedBy returns a compare-and-set of the witness that began
// after w (which wrote x) completed and found the register not holding x,
// when c is the only operation that could have replaced x by then: every
// other write of another value is certainly before w.
func (a *analysis) missOnlyExplainedBy(c, w *call, x any) *call {
	for _, m := range a.wit {
		if m.op != opCAS || m.status != statusMismatch || !valueEqual(m.arg, x) || !before(w, m) {
			continue
		}
		only := true
		for _, o := range a.wit {
			if o == c || o == m || o.status == statusFailed || m.compPos >= 0 && o.invPos > m.compPos {
				continue
			}
			if u, ok := newValue(o); ok && !valueEqual(u, x) && !before(o, w) {
				only = false
			}
		}
		if only {
			return m
		}
	}
	return nil
}

// replaced reports whether w certainly came after every write of v in the
// witness (and after the initial value): once it completed, the register
// no longer held v unless something wrote v again.
func (a *analysis) replaced(v any, w *call) bool {
	found := valueEqual(v, a.p.init)
	for _, vw := range a.wit {
		if vw == w || vw.status == statusFailed || !writes(vw, v) {
			continue
		}
		if !before(vw, w) {
			return false
		}
		found = true
	}
	return found
}

// readOfOnly returns a completed read of c's new value when c is the only
// operation of the witness that writes it (and it is not the initial
// value).
func (a *analysis) readOfOnly(c *call) *call {
	if valueEqual(c.arg2, a.p.init) {
		return nil
	}
	for _, w := range a.wit {
		if w != c && w.status != statusFailed && writes(w, c.arg2) {
			return nil
		}
	}
	for _, r := range a.wit {
		if v, ok := constrainingValue(r); ok && r.op == opRead && valueEqual(v, c.arg2) {
			return r
		}
	}
	return nil
}
