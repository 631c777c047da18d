package checker

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// counter names counter anomalies: a read above every total the adds
// allow (an add counted twice, or a failed add that took effect), or below
// every total (an add lost). A read depends on every add before it, so the
// witness keeps only what shows the contradiction; the sums come from the
// whole history.
func (a *analysis) counter() (string, string) {
	f := history.Format
	for _, r := range a.wit {
		if r.op != opRead || r.status != statusOK || r.result == nil {
			continue
		}
		t := r.result.(int64)
		failed := a.failedAddsBefore(r)
		blame := ""
		if failed != nil {
			blame = fmt.Sprintf(" %s's add of %s was reported failed [%s] — had it taken effect after all, the total could fit: a failure that was not one (a timeout reported as a failure, then retried, counts twice).", sentence(who(failed)), f(failed.arg), a.records(failed))
		}
		// The whole prefix bounds the total; the witness shows the gap.
		totals, exact, counts := a.counterTotals(r, a.univ)
		lo, hi := totals[0], totals[len(totals)-1]
		switch {
		case t > hi:
			return AnomalyDuplicated, fmt.Sprintf("%s read a total of %s, but %s: the read counted more than was added.%s", who(r), f(t), counts, blame)
		case t < lo:
			return AnomalyLostIncrement, fmt.Sprintf("%s read a total of %s, but %s: an acknowledged add was lost.", who(r), f(t), counts)
		}
		totals, exact, counts = a.counterTotals(r, a.wit)
		if exact && slices.Contains(totals, t) {
			continue
		}
		if failed != nil {
			return AnomalyDuplicated, fmt.Sprintf("%s read a total of %s, but among these operations %s — never %s.%s", who(r), f(t), counts, f(t), blame)
		}
		return AnomalyNoOrder, fmt.Sprintf("%s read a total of %s, but among these operations %s — never %s: no order of the adds produces that total.", who(r), f(t), counts, f(t))
	}
	return "", ""
}

// counterTotals lists the totals a read could see given calls: the adds
// acknowledged before it began, plus any subset of those that may have
// taken effect while it ran; and says so in words.
func (a *analysis) counterTotals(r *call, calls []*call) ([]int64, bool, string) {
	start, _ := counterInit(a.p.init)
	certain := start.(int64)
	nCertain := 0
	var maybe []int64
	for _, c := range calls {
		if c.op != opAdd || c.status == statusFailed || r.compPos >= 0 && c.invPos > r.compPos {
			continue
		}
		if before(c, r) {
			certain += c.arg.(int64)
			nCertain++
		} else {
			maybe = append(maybe, c.arg.(int64))
		}
	}
	totals, exact := subsetSums(certain, maybe)
	counts := fmt.Sprintf("the %s acknowledged before it began bring the counter to %s", plural(nCertain, "add"), history.Format(certain))
	if len(maybe) > 0 {
		counts += fmt.Sprintf(", and the %s that may have taken effect while it ran allow %s", plural(len(maybe), "other add"), totalsText(totals, exact))
	}
	return totals, exact, counts
}

// subsetSums lists base plus the sums of every subset of deltas, sorted;
// exact is false when there were too many to list (then only the lowest
// and highest are given).
func subsetSums(base int64, deltas []int64) ([]int64, bool) {
	sums := map[int64]bool{base: true}
	for _, d := range deltas {
		if len(sums) > 4096 {
			lo, hi := base, base
			for _, d := range deltas {
				if d < 0 {
					lo += d
				} else {
					hi += d
				}
			}
			return []int64{lo, hi}, false
		}
		next := make(map[int64]bool, 2*len(sums))
		for s := range sums {
			next[s], next[s+d] = true, true
		}
		sums = next
	}
	out := make([]int64, 0, len(sums))
	for s := range sums {
		out = append(out, s)
	}
	slices.Sort(out)
	return out, true
}

func totalsText(totals []int64, exact bool) string {
	if !exact {
		return fmt.Sprintf("totals from %d to %d", totals[0], totals[len(totals)-1])
	}
	if len(totals) > 6 {
		return fmt.Sprintf("%d totals from %d to %d", len(totals), totals[0], totals[len(totals)-1])
	}
	parts := make([]string, len(totals))
	for i, t := range totals {
		parts[i] = fmt.Sprint(t)
	}
	if len(parts) == 1 {
		return "only " + parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// failedAddsBefore finds a failed add of the witness's partition invoked
// before r completed.
func (a *analysis) failedAddsBefore(r *call) *call {
	for _, c := range a.univ {
		if c.op == opAdd && c.status == statusFailed && (r.compPos < 0 || c.invPos < r.compPos) {
			return c
		}
	}
	return nil
}

// elementSource classifies the element x of a read: never written, only
// written by failed operations, or written only after the read.
func (a *analysis) elementSource(x any, r *call, write opcode) (string, string) {
	f := history.Format
	var writers []*call
	for _, c := range a.part {
		if c.op == write && valueEqual(c.arg, x) {
			writers = append(writers, c)
		}
	}
	verb := "added"
	if write == opEnqueue {
		verb = "enqueued"
	}
	switch {
	case len(writers) == 0:
		return AnomalyNeverWritten, fmt.Sprintf("%s got %s, but no operation in the history ever %s %s.", who(r), f(x), verb, f(x))
	case allFailed(writers):
		return AnomalyFailedWrite, fmt.Sprintf("The only attempt to add %s (%s's) failed, so it did not happen — yet %s got %s: the failure was not a failure.", f(x), who(writers[0]), who(r), f(x))
	case allAfter(writers, r):
		return AnomalyFutureRead, fmt.Sprintf("%s got %s before anyone had begun to add it.", who(r), f(x))
	}
	return "", ""
}

// set names set anomalies on the witness (usually projected onto one
// element).
func (a *analysis) set() (string, string) {
	f := history.Format
	for _, r := range a.wit {
		if r.op != opRead || r.status != statusOK {
			continue
		}
		xs, _ := r.result.([]any)
		for _, x := range xs {
			if name, why := a.elementSource(x, r, opAdd); name != "" {
				return name, why
			}
		}
	}
	for _, r := range a.wit {
		if r.op != opRead || r.status != statusOK || r.result == nil {
			continue
		}
		have := newSetState(r.result.([]any))
		for _, w := range a.wit {
			if w.op != opAdd || have.has(w.arg) {
				continue
			}
			if before(w, r) || a.seenBefore(w.arg, r) {
				what := fmt.Sprintf("%s's add of %s was acknowledged before %s's read began", who(w), f(w.arg), who(r))
				if !before(w, r) {
					what = fmt.Sprintf("an earlier read had already returned %s", f(w.arg))
				}
				if a.readLater(w.arg, r) {
					return AnomalyStaleRead, fmt.Sprintf("%s, yet the read returned %s without it. Later reads did include %s: this read was served from stale state.", what, f(r.result), f(w.arg))
				}
				return AnomalyLostWrite, fmt.Sprintf("%s, yet the read returned %s without it, and no later read ever returned %s: the acknowledged add was lost.", what, f(r.result), f(w.arg))
			}
		}
	}
	return "", ""
}

// seenBefore reports whether a read of the witness that completed before r
// began returned x.
func (a *analysis) seenBefore(x any, r *call) bool {
	for _, c := range a.wit {
		if c.op == opRead && before(c, r) {
			if xs, ok := c.result.([]any); ok && newSetState(xs).has(x) {
				return true
			}
		}
	}
	return false
}

// readLater reports whether a read of the whole history that began after r
// ended returned x.
func (a *analysis) readLater(x any, r *call) bool {
	for _, c := range a.part {
		if c.invPos > r.compPos && c.status == statusOK && (c.op == opRead || c.op == opDrain) {
			if xs, ok := c.result.([]any); ok && newSetState(xs).has(x) {
				return true
			}
		}
	}
	return false
}

// queue names queue anomalies.
func (a *analysis) queue() (string, string) {
	f := history.Format
	delivered := map[string][]*call{}
	for _, r := range a.wit {
		if r.status != statusOK {
			continue
		}
		var xs []any
		switch {
		case r.op == opDequeue && r.result != nil:
			xs = []any{r.result}
		case r.op == opDrain:
			xs, _ = r.result.([]any)
		}
		for _, x := range xs {
			if name, why := a.elementSource(x, r, opEnqueue); name != "" {
				return name, why
			}
			delivered[token(x)] = append(delivered[token(x)], r)
		}
	}
	for _, w := range a.wit {
		if w.op != opEnqueue {
			continue
		}
		got := delivered[token(w.arg)]
		enqueues := 0
		for _, e := range a.wit {
			if e.op == opEnqueue && valueEqual(e.arg, w.arg) {
				enqueues++
			}
		}
		if len(got) > enqueues {
			return AnomalyDuplicated, fmt.Sprintf("%s was enqueued %s but delivered %s (to %s): a message was consumed more than once.",
				f(w.arg), times(enqueues), times(len(got)), whoAll(got))
		}
		if len(got) == 0 && w.status == statusOK {
			for _, d := range a.wit {
				if d.op == opDrain && d.status == statusOK && before(w, d) {
					return AnomalyLostWrite, fmt.Sprintf("%s's enqueue of %s was acknowledged before %s drained the queue, yet the drain returned %s without it, and nothing else ever took %s out: the acknowledged message was lost.",
						who(w), f(w.arg), who(d), f(d.result), f(w.arg))
				}
			}
		}
	}
	for _, e1 := range a.wit {
		for _, e2 := range a.wit {
			if e1.op != opEnqueue || e2.op != opEnqueue || !before(e1, e2) || e1.status != statusOK {
				continue
			}
			d1, d2 := delivered[token(e1.arg)], delivered[token(e2.arg)]
			if len(d2) != 1 || d2[0].op != opDequeue {
				continue
			}
			if len(d1) == 0 || len(d1) == 1 && d1[0] != d2[0] && before(d2[0], d1[0]) {
				return AnomalyReordered, fmt.Sprintf("%s was enqueued before %s, but %s came out first, while %s was still in the queue: the queue did not keep its order.", f(e1.arg), f(e2.arg), f(e2.arg), f(e1.arg))
			}
		}
	}
	return "", ""
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// whoAll names the distinct processes of calls: "process 1 and process 3".
func whoAll(cs []*call) string {
	var names []string
	for _, c := range cs {
		if n := who(c); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 1 && len(cs) > 1 {
		return names[0] + ", each time"
	}
	return strings.Join(names, " and ")
}

// lock names lock anomalies.
func (a *analysis) lock() (string, string) {
	f := history.Format
	for i, c1 := range a.wit {
		if c1.op != opAcquire || c1.status != statusOK {
			continue
		}
		for _, c2 := range a.wit[i+1:] {
			if c2.op != opAcquire || c2.status != statusOK {
				continue
			}
			if t1, ok1 := c1.result.(int64); ok1 {
				if t2, ok2 := c2.result.(int64); ok2 && t2 <= t1 && before(c1, c2) {
					return AnomalyStaleToken, fmt.Sprintf("%s acquired the lock with fencing token %s, and afterwards %s acquired it with token %s: tokens must grow, or storage cannot tell the stale holder from the new one.", who(c1), f(t1), who(c2), f(t2))
				}
			}
			released := false
			for _, r := range a.wit {
				if r.op == opRelease && r.proc == c1.proc && r.status != statusFailed && r.invPos < c2.compPos {
					released = true
				}
			}
			if !released {
				return AnomalyTwoHolders, fmt.Sprintf("%s acquired the lock, and %s acquired it too while %s had not released it: two processes held the lock at once (a lease that expired while its holder was paused, for example).", who(c1), who(c2), who(c1))
			}
		}
	}
	for _, r := range a.wit {
		if r.op == opRelease && r.status == statusOK {
			return AnomalyReleaseNotHeld, fmt.Sprintf("%s released the lock, but no order of these operations has it holding the lock then.", who(r))
		}
	}
	return "", ""
}

// multiRegister names multi-register anomalies, as registers do.
func (a *analysis) multiRegister() (string, string) {
	f := history.Format
	def := mregDefault(a.p.init)
	for _, r := range a.wit {
		if r.status != statusOK {
			continue
		}
		for _, m := range r.result.([]microOp) {
			if m.write || m.value == nil || valueEqual(m.value, def(m.reg)) {
				continue
			}
			written := false
			for _, c := range a.part {
				for _, w := range c.arg.([]microOp) {
					if w.write && w.reg == m.reg && valueEqual(w.value, m.value) {
						written = true
					}
				}
			}
			if !written {
				return AnomalyNeverWritten, fmt.Sprintf("%s read %s = %s, but no transaction in the history ever wrote %s to %s.", who(r), m.reg, f(m.value), f(m.value), m.reg)
			}
		}
	}
	for _, r := range a.wit {
		if r.status != statusOK {
			continue
		}
		for _, m := range r.result.([]microOp) {
			if m.write || m.value == nil && def(m.reg) != nil {
				continue
			}
			if w, u := a.overwrote(m.reg, m.value, r); w != nil {
				return AnomalyStaleRead, fmt.Sprintf("%s's transaction, which wrote %s = %s, finished before %s's began — yet it read %s = %s, a value already overwritten.", who(w), m.reg, f(u), who(r), m.reg, f(m.value))
			}
		}
	}
	return "", ""
}

// overwrote finds a transaction of the witness that completed before r
// began, writing reg a value other than v, after every write of v to reg
// in the witness had completed.
func (a *analysis) overwrote(reg string, v any, r *call) (*call, any) {
	writesOf := func(c *call) (any, bool) {
		var last any
		found := false
		for _, m := range c.arg.([]microOp) {
			if m.write && m.reg == reg {
				last, found = m.value, true
			}
		}
		return last, found
	}
	for _, w := range a.wit {
		u, ok := writesOf(w)
		if !ok || w.status != statusOK || valueEqual(u, v) || !before(w, r) {
			continue
		}
		replaced := true
		for _, x := range a.wit {
			if xv, ok := writesOf(x); ok && valueEqual(xv, v) && !before(x, w) {
				replaced = false
			}
		}
		if replaced {
			return w, u
		}
	}
	return nil, nil
}
