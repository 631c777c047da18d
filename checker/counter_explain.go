package checker

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// The counter's explanations. Every count and total is the witness's;
// what the rest of the history shows is said to come from it.

// failingRead is the read the counter's witness turns on: the failing
// operation when it is a read, else the witness's last read to complete.
func (a *analysis) failingRead() *call {
	if c := a.failing; c != nil && c.op == opRead && c.status == statusOK && c.result != nil && containsCall(a.wit, c) {
		return c
	}
	var r *call
	for _, c := range a.wit {
		if c.op == opRead && c.status == statusOK && c.result != nil && (r == nil || c.compPos > r.compPos) {
			r = c
		}
	}
	return r
}

// addsText describes adds by their amounts: "99 adds of 1", "3 adds
// totalling 7".
func addsText(adds []*call) string {
	if len(adds) == 0 {
		return "no add"
	}
	d, uniform := uniformDelta(func(yield func(int64) bool) {
		for _, c := range adds {
			if !yield(c.arg.(int64)) {
				return
			}
		}
	})
	if uniform && d != 0 {
		return fmt.Sprintf("%s of %d", plural(len(adds), "add"), d)
	}
	return fmt.Sprintf("%s totalling %d", plural(len(adds), "add"), sumAdds(adds))
}

// addsWere is addsText as a sentence's subject with its verb: "the add of
// 1 was" reads better than "1 add of 1 were", and "all" needs two.
func addsWere(adds []*call, all string) string {
	if len(adds) == 1 {
		return "the witness's " + strings.TrimPrefix(addsText(adds), "1 ") + " was"
	}
	return "the witness's " + addsText(adds) + " were" + all
}

func sumAdds(adds []*call) int64 {
	var t int64
	for _, c := range adds {
		t += c.arg.(int64)
	}
	return t
}

// counter names counter anomalies: a read below what the adds acknowledged
// before it make (a lost increment, or a stale read when a later read of
// the history shows them), above what every add that may have taken effect
// makes (a duplicated effect), or two reads that went back.
func (a *analysis) counter() (string, string) {
	r := a.failingRead()
	if r == nil {
		return "", ""
	}
	start := counterStart(a.p.init)
	t := r.result.(int64)
	b := boundsAround(r, a.wit)
	certain := start + sumAdds(b.certain)
	lo, hi := certain, certain
	for _, c := range b.maybe {
		if d := c.arg.(int64); d < 0 {
			lo += d
		} else {
			hi += d
		}
	}
	read := fmt.Sprintf("%s read a total of %d [%s]", who(r), t, records(r))
	startText := fmt.Sprintf(" (the counter starts at %d)", start)
	switch {
	case t < lo:
		why := fmt.Sprintf("%s, but %s acknowledged before that read began, bringing the counter to %d%s: the read missed an acknowledged add.",
			read, addsWere(b.certain, " all"), certain, startText)
		if later, acked := a.laterReadCaughtUp(r); later != nil {
			return AnomalyStaleRead, why + fmt.Sprintf(" In the history, a later read by %s [%s] returned %d, no less than %d, the sum of the adds acknowledged before that read began: nothing was lost, and this read was served from stale state.", who(later), records(later), later.result.(int64), acked)
		}
		if a.readsAfter(r) == 0 {
			return AnomalyLostIncrement, why + " No read began after it in the history: as far as the history shows, an acknowledged add was lost."
		}
		return AnomalyLostIncrement, why + " In the history, every read that began after it also returned less than the sum of the adds acknowledged before that read began: as far as the history shows, an acknowledged add was lost."
	case t > hi:
		why := fmt.Sprintf("%s, but the witness's adds that may have taken effect by its end (%s) bring the counter to at most %d%s: the read counted more than was added.",
			read, addsText(append(append([]*call{}, b.certain...), b.maybe...)), hi, startText)
		if len(b.failed) > 0 {
			why += fmt.Sprintf(" The witness's %s reported failed, invoked before the read ended, would make up the difference had they taken effect after all.", addsText(b.failed))
		}
		return AnomalyDuplicated, why
	}
	if a.addsOnlyGrow() {
		if name, why := a.betweenReads(r); name != "" {
			return name, why
		}
	}
	return AnomalyNoOrder, fmt.Sprintf("%s; the witness's adds allow totals from %d to %d then, but no order of its operations gives every read its total.", read, lo, hi)
}

// betweenReads compares r with a read of the witness that ended before r
// began: with adds that only add, the counter cannot go back, nor grow by
// more than the adds that may have taken effect between the two, nor by
// less than those certainly between them.
func (a *analysis) betweenReads(r2 *call) (string, string) {
	t2 := r2.result.(int64)
	for _, r1 := range a.wit {
		if r1 == r2 || r1.op != opRead || r1.status != statusOK || r1.result == nil || !before(r1, r2) {
			continue
		}
		t1 := r1.result.(int64)
		pair := fmt.Sprintf("%s read %d [%s], and after that read ended %s read %d [%s]", who(r1), t1, records(r1), who(r2), t2, records(r2))
		if t1 > t2 {
			return AnomalyStaleRead, pair + ": with adds that only add, the counter went back, so the later read was served from stale state."
		}
		var may, must []*call
		for _, c := range a.wit {
			if c.op != opAdd || c.status == statusFailed || c.arg.(int64) == 0 {
				continue
			}
			if !before(c, r1) && (r2.compPos < 0 || c.invPos < r2.compPos) {
				may = append(may, c)
			}
			if c.invPos > r1.compPos && before(c, r2) {
				must = append(must, c)
			}
		}
		grew := t2 - t1
		if up := sumAdds(may); grew > up {
			return AnomalyDuplicated, fmt.Sprintf("%s: the counter grew by %d, but the witness's adds that may have taken effect between the two reads (not acknowledged before the first began, invoked before the second ended: %s) add at most %d. The second read counted more than was added.",
				pair, grew, addsText(may), up)
		}
		if down := sumAdds(must); grew < down {
			why := fmt.Sprintf("%s: the counter grew by %d, but %s invoked after the first read ended and acknowledged before the second began, which makes at least %d. The second read missed an acknowledged add.",
				pair, grew, addsWere(must, ""), down)
			if later, acked := a.laterReadCaughtUp(r2); later != nil {
				return AnomalyStaleRead, why + fmt.Sprintf(" In the history, a later read by %s [%s] returned %d, no less than %d, the sum of the adds acknowledged before that read began: this read was served from stale state.", who(later), records(later), later.result.(int64), acked)
			}
			return AnomalyLostIncrement, why + " In the history, no read that began after it returned as much as the sum of the adds acknowledged before that read began: as far as the history shows, an acknowledged add was lost."
		}
	}
	return "", ""
}

// addsOnlyGrow reports whether every add of the witness adds a positive amount.
func (a *analysis) addsOnlyGrow() bool {
	for _, c := range a.wit {
		if c.op == opAdd && c.arg.(int64) < 0 {
			return false
		}
	}
	return true
}

// laterReadCaughtUp finds, in the history, a read that began after r
// ended and returned at least what the adds acknowledged before it began
// make (with any add that may subtract taking effect): a read that shows
// nothing lost. It returns the read and that total.
func (a *analysis) laterReadCaughtUp(r *call) (*call, int64) {
	if r.compPos < 0 {
		return nil, 0
	}
	start := counterStart(a.p.init)
	for _, c := range a.part {
		if c.op != opRead || c.status != statusOK || c.invPos <= r.compPos {
			continue
		}
		t, ok := c.result.(int64)
		if !ok {
			continue
		}
		b := boundsAround(c, a.part)
		lo := start + sumAdds(b.certain)
		for _, m := range b.maybe {
			lo += min(m.arg.(int64), 0)
		}
		if t >= lo {
			return c, lo
		}
	}
	return nil, 0
}

// readsAfter counts the history's completed reads that began after r ended.
func (a *analysis) readsAfter(r *call) int {
	n := 0
	for _, c := range a.part {
		if c.op == opRead && c.status == statusOK && c.result != nil && r.compPos >= 0 && c.invPos > r.compPos {
			n++
		}
	}
	return n
}

// counterGroups groups the witness around its failing read: the adds
// acknowledged before it began, those that may have taken effect while it
// ran, those reported failed, and the reads.
func (a *analysis) counterGroups() []string {
	r := a.failingRead()
	if r == nil {
		return nil
	}
	b := boundsAround(r, a.wit)
	var out []string
	if len(b.certain) > 0 {
		out = append(out, fmt.Sprintf("%s, all acknowledged before %s's read began (%s)", addsText(b.certain), who(r), span(b.certain)))
	}
	if len(b.maybe) > 0 {
		out = append(out, fmt.Sprintf("%s not acknowledged before the read began, which may have taken effect by its end (%s)", addsText(b.maybe), span(b.maybe)))
	}
	if len(b.failed) > 0 {
		out = append(out, fmt.Sprintf("%s reported failed, invoked before the read ended (%s)", addsText(b.failed), span(b.failed)))
	}
	var later []*call
	for _, c := range a.wit {
		if c.op == opAdd && r.compPos >= 0 && c.invPos > r.compPos {
			later = append(later, c)
		}
	}
	if len(later) > 0 {
		out = append(out, fmt.Sprintf("%s invoked after the read ended (%s)", addsText(later), span(later)))
	}
	for _, c := range a.wit {
		if c.op == opRead && c != r {
			out = append(out, fmt.Sprintf("%s %s [%s]", who(c), a.phrase(c), records(c)))
		}
	}
	return append(out, fmt.Sprintf("%s's read returned %s [%s]", who(r), history.Format(r.result), records(r)))
}

// span names the records a group of calls lies among: "records 3 to 250"
// (its first and last records; other operations' records lie between).
func span(cs []*call) string {
	first, last := int64(-1), int64(-1)
	for _, c := range cs {
		for _, i := range []int64{c.inv.Index, compIndex(c)} {
			if i < 0 {
				continue
			}
			if first < 0 || i < first {
				first = i
			}
			last = max(last, i)
		}
	}
	if first == last {
		return fmt.Sprintf("record %d", first)
	}
	return fmt.Sprintf("between records %d and %d", first, last)
}

func compIndex(c *call) int64 {
	if c.comp == nil {
		return -1
	}
	return c.comp.Index
}
