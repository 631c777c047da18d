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

// analysis names the anomaly a witness shows and explains it.
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
	var name, why string
	switch a.p.m.name {
	case "register", "cas-register", "kv":
		name, why = a.register()
	case "counter":
		name, why = a.counter()
	case "set":
		name, why = a.set()
	case "queue":
		name, why = a.queue()
	case "lock":
		name, why = a.lock()
	case "multi-register":
		name, why = a.multiRegister()
	}
	if name == "" {
		name = AnomalyNoOrder
		why = fmt.Sprintf("Each operation must take effect at one instant between its invocation and its completion, and %s; no such order of these %d operations exists. Remove any one of them and one does.", a.p.m.promise(), len(a.wit))
	}
	var b strings.Builder
	if a.key != "" {
		fmt.Fprintf(&b, "Key %s. ", a.key)
	}
	if a.projected {
		fmt.Fprintf(&b, "Only %s shown. ", a.elementWords())
	}
	b.WriteString(a.story())
	b.WriteString(" ")
	b.WriteString(sentence(why))
	return name, b.String()
}

// sentence capitalises the first letter.
func sentence(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

func (a *analysis) elementWords() string {
	what := "element"
	if a.p.m.name == "multi-register" {
		what = "register"
	}
	if len(a.elems) == 1 {
		return what + " " + a.elems[0] + " is"
	}
	return what + "s " + strings.Join(a.elems, ", ") + " are"
}

// promise says what the model promises, to close the explanation.
func (m *model) promise() string {
	switch m.name {
	case "counter":
		return "every read must return the sum of the adds that took effect before it"
	case "set":
		return "every read must return exactly the elements added before it"
	case "queue":
		return "elements must leave the queue once each, in the order they entered"
	case "lock":
		return "the lock must be held by at most one process at a time"
	case "multi-register":
		return "each transaction must see the registers as the transactions before it left them"
	}
	return "every read must return the value of the last write before it"
}

// before reports whether a certainly took effect before b began: a
// completed (ok, or a failed compare) before b was invoked.
func before(a, b *call) bool {
	return a.comp != nil && (a.status == statusOK || a.status == statusMismatch) && a.compPos < b.invPos
}

func who(c *call) string { return "process " + c.proc.String() }

// story tells the witness in time order.
func (a *analysis) story() string {
	var parts []string
	skip := 0
	if len(a.wit) > storyMax {
		skip = len(a.wit) - storyMax + 1
		parts = append(parts, fmt.Sprintf("first, %s [records %d–%d]", summarize(a.wit[:skip]), a.wit[0].inv.Index, lastRecord(a.wit[:skip])))
	}
	for i, c := range a.wit {
		if i < skip {
			continue
		}
		s := who(c) + " " + a.phrase(c)
		if i > 0 {
			var running []string
			for _, e := range a.wit[skip:i] {
				if !(e.comp != nil && e.compPos < c.invPos) {
					running = append(running, who(e)+"'s "+opNames[e.op])
				}
			}
			if len(running) == 0 {
				s = "then " + s
			} else {
				s = "while " + strings.Join(running, " and ") + " " + isAre(len(running)) + " still in flight, " + s
			}
		}
		s += fmt.Sprintf(" [%s]", a.records(c))
		parts = append(parts, s)
	}
	return "In time order: " + strings.Join(parts, "; ") + "."
}

// storyMax is how many operations the story tells one by one; longer
// witnesses (a counter's adds) are summarised first.
const storyMax = 8

// summarize counts operations by what they did: "75 adds (74 acknowledged,
// 1 unknown) by processes 0, 1 and 2".
func summarize(cs []*call) string {
	byOp := map[opcode]int{}
	var order []opcode
	procs := map[string]bool{}
	var names []string
	unknown := 0
	for _, c := range cs {
		if byOp[c.op] == 0 {
			order = append(order, c.op)
		}
		byOp[c.op]++
		if c.status != statusOK {
			unknown++
		}
		if p := c.proc.String(); !procs[p] {
			procs[p] = true
			names = append(names, p)
		}
	}
	var kinds []string
	for _, op := range order {
		kinds = append(kinds, plural(byOp[op], opNames[op]))
	}
	s := strings.Join(kinds, " and ")
	if unknown > 0 {
		s += fmt.Sprintf(" (%d of them not acknowledged)", unknown)
	}
	who := "process " + names[0]
	if len(names) > 1 {
		who = "processes " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	return s + " by " + who
}

func lastRecord(cs []*call) int64 {
	var last int64
	for _, c := range cs {
		last = max(last, c.inv.Index)
		if c.comp != nil {
			last = max(last, c.comp.Index)
		}
	}
	return last
}

func isAre(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// records names a call's records by index: "records 4–7".
func (a *analysis) records(c *call) string {
	if c.comp == nil {
		return fmt.Sprintf("record %d, never completed", c.inv.Index)
	}
	return fmt.Sprintf("records %d–%d", c.inv.Index, c.comp.Index)
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
		if c.status == statusOK {
			if _, ok := a.p.m.ops["add"]; ok || a.p.m.name == "set" {
				return "read " + f(c.result)
			}
			if c.result == nil && !c.nilAny {
				return "read nil (nothing written yet)"
			}
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
