package checker

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// The plain names of the anomalies the checker recognises.
const (
	AnomalyStaleRead       = "stale read"
	AnomalyLostWrite       = "lost write"
	AnomalyNeverWritten    = "read of a value never written"
	AnomalyFailedWrite     = "read of a failed write"
	AnomalyFutureRead      = "read of a value not yet written"
	AnomalyLostUpdate      = "lost update"
	AnomalyFalseCASFailure = "compare-and-set failed on a matching value"
	AnomalyDuplicated      = "duplicated effect"
	AnomalyLostIncrement   = "lost increment"
	AnomalyTwoHolders      = "two lock holders"
	AnomalyReleaseNotHeld  = "release of a lock not held"
	AnomalyStaleToken      = "fencing token went backwards"
	AnomalyReordered       = "out-of-order delivery"
	AnomalyNoOrder         = "no consistent order"
)

// AnomalyUnexplained names a failure whose witness search the machine's
// limits (time, memory, a cancel) stopped: the verdict is proved, but a
// name given to a witness that depends on the machine's speed would
// change with it.
const AnomalyUnexplained = "not linearizable (the witness search stopped before it could name the anomaly)"

// analysis names the anomaly a witness shows and explains it. The names
// and every number, value and record an explanation gives come from the
// witness; a fact from the rest of the history says "in the history".
type analysis struct {
	p         *prepared
	part      []*call // every call of the witness's partition
	univ      []*call // the partition as the failing prefix shows it
	key       string
	wit       []*call // the witness, in invocation order
	failing   *call
	elems     []string // the elements the witness was projected onto
	projected bool
}

func (a *analysis) describe() (string, string) {
	name, why := a.p.m.explain(a)
	if name == "" {
		name = AnomalyNoOrder
		why = fmt.Sprintf("Each operation must take effect at one instant between its invocation and its completion, and %s; no such order of these %s exists. Remove any one of them and one does.", a.p.m.promise, plural(len(a.wit), "operation"))
	}
	return name, a.preface() + a.story() + " " + sentence(why)
}

// preface names the key and the elements the witness keeps.
func (a *analysis) preface() string {
	var b strings.Builder
	if a.key != "" {
		fmt.Fprintf(&b, "Key %s. ", a.key)
	}
	if a.projected {
		fmt.Fprintf(&b, "Only %s shown. ", a.elementWords())
	}
	return b.String()
}

// unexplained says what a stopped witness search proved: the verdict, and
// a sub-history that is not linearizable.
func (a *analysis) unexplained(stop stopReason, reason string) string {
	s := a.preface() + fmt.Sprintf("The history is not linearizable: these %s admit no order in which each takes effect between its invocation and its completion and %s. But %s before the witness was minimal, so it is not explained further",
		plural(len(a.wit), "operation"), a.p.m.promise, reason)
	if stop == stopDeadline {
		return s + "; a longer time limit gives the smallest witness, the same on every machine."
	}
	return s + "."
}

// sentence capitalises the first letter.
func sentence(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// elementWords names the elements kept: "element 3 is", "registers x, y are".
func (a *analysis) elementWords() string {
	what := a.p.m.element
	if what == "" {
		what = "element"
	}
	if len(a.elems) == 1 {
		return what + " " + a.elems[0] + " is"
	}
	return what + "s " + joinAnd(a.elems) + " are"
}

// projectedWords says which of the shown elements a projected result
// held: "with 20", "without 20", "with 3 but not 4".
func (a *analysis) projectedWords(xs []any) string { return ProjectedWords(a.elems, xs) }

// ProjectedWords says which of the elements a projected witness keeps
// (Result.Shown) a result xs held: "with 20", "without 20", "with 3 but
// not 4", as the explanation words a projected read or drain.
func ProjectedWords(shown []string, xs []any) string {
	have := map[string]bool{}
	for _, x := range xs {
		have[token(x)] = true
	}
	var with, without []string
	for _, e := range shown {
		if have[e] {
			with = append(with, e)
		} else {
			without = append(without, e)
		}
	}
	switch {
	case len(without) == 0:
		return "with " + joinAnd(with)
	case len(with) == 0:
		return "without " + joinAnd(without)
	}
	return "with " + joinAnd(with) + " but not " + joinAnd(without)
}

// joinAnd joins words as a sentence lists them: "a", "a and b", "a, b and c".
func joinAnd(ws []string) string {
	if len(ws) <= 1 {
		return strings.Join(ws, "")
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

// before reports whether a certainly took effect before b began: a
// completed (ok, or a failed compare) before b was invoked.
func before(a, b *call) bool {
	return a.comp != nil && (a.status == statusOK || a.status == statusMismatch) && a.compPos < b.invPos
}

func who(c *call) string { return "process " + c.proc.String() }

// story tells the witness in time order: one operation at a time, or, for
// a long witness of a model that groups, its groups.
func (a *analysis) story() string {
	if len(a.wit) > storyMax && a.p.m.group != nil {
		return "The witness, grouped: " + strings.Join(a.p.m.group(a), "; ") + "."
	}
	var parts []string
	for i, c := range a.wit {
		s := who(c) + " " + a.phrase(c)
		if i > 0 {
			var running []string
			for _, e := range a.wit[:i] {
				if !(e.comp != nil && e.compPos < c.invPos) {
					running = append(running, who(e)+"'s "+opNames[e.op])
				}
			}
			if len(running) == 0 {
				s = "then " + s
			} else {
				s = "while " + joinAnd(running) + " " + isAre(len(running)) + " still in flight, " + s
			}
		}
		s += fmt.Sprintf(" [%s]", records(c))
		parts = append(parts, s)
	}
	return "In time order: " + strings.Join(parts, "; ") + "."
}

// storyMax is how many operations the story tells one by one; longer
// witnesses (a counter's adds) are told in groups, where the model groups.
const storyMax = 8

func isAre(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// records names a call's records by index: "records 4 and 7" (its
// invocation and completion; records between them belong to others).
func records(c *call) string {
	if c.comp == nil {
		return fmt.Sprintf("record %d, no completion", c.inv.Index)
	}
	return fmt.Sprintf("records %d and %d", c.inv.Index, c.comp.Index)
}

// phrase says what a call did: "wrote 3", "read 1", ...
func (a *analysis) phrase(c *call) string {
	f := history.Format
	done := func(verb, tried string) string {
		switch c.status {
		case statusUnknown:
			return tried + " (no answer: it may or may not have happened)"
		case statusFailed:
			return tried + " and was told it failed"
		}
		return verb
	}
	switch c.op {
	case opRead:
		if c.status == statusOK && c.result == nil && !c.nilAny {
			return "read nil (the empty register)"
		}
		if xs, ok := c.result.([]any); ok && c.status == statusOK && a.projected {
			return "read a set " + a.projectedWords(xs)
		}
		return done("read "+f(c.result), "tried to read")
	case opWrite:
		return done("wrote "+f(c.arg), "tried to write "+f(c.arg))
	case opCAS:
		if c.status == statusMismatch {
			return fmt.Sprintf("tried to change %s to %s and was told the register did not hold %s", f(c.arg), f(c.arg2), f(c.arg))
		}
		return done(fmt.Sprintf("changed %s to %s (compare-and-set)", f(c.arg), f(c.arg2)), fmt.Sprintf("tried to change %s to %s (compare-and-set)", f(c.arg), f(c.arg2)))
	case opAppend:
		return done("appended "+f(c.arg), "tried to append "+f(c.arg))
	case opAdd:
		return done("added "+f(c.arg), "tried to add "+f(c.arg))
	case opEnqueue:
		return done("enqueued "+f(c.arg), "tried to enqueue "+f(c.arg))
	case opDequeue:
		return done("dequeued "+f(c.result), "tried to dequeue")
	case opDrain:
		if xs, ok := c.result.([]any); ok && c.status == statusOK && a.projected {
			return "drained the queue, " + a.projectedWords(xs)
		}
		return done("drained "+f(c.result), "tried to drain the queue")
	case opAcquire:
		if c.status == statusOK && c.result != nil {
			return "acquired the lock with fencing token " + f(c.result)
		}
		return done("acquired the lock", "tried to acquire the lock")
	case opRelease:
		return done("released the lock", "tried to release the lock")
	case opTxn:
		return done("ran "+txnText(c.result, c.arg), "tried "+txnText(nil, c.arg))
	}
	return describeCall(c)
}
