package txn

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/internal/testkit"
)

// sweep sizes the random sweeps: short under -short, normal, and long
// with FAULTLINE_LONG=1 (testkit.Sweep).
var sweep = testkit.Sweep[int]

// A shorthand for transactions, after the one Elle's tests use: "ax1"
// appends 1 to x, "rx12" reads x = [1 2], "rx" reads x (empty, or not yet
// known); for rw-register "wx1" writes 1, "rx1" reads 1, "rx_" reads nil.
// Keys are the letters x, y, z, t, u; values single digits.
func mopsOf(s string, lists bool) []any {
	var out []any
	var cur []any
	flush := func() {
		if cur != nil {
			if len(cur) == 2 {
				cur = append(cur, nil)
			}
			out = append(out, cur)
		}
	}
	for _, c := range s {
		switch {
		case c == 'a' || c == 'r' || c == 'w':
			flush()
			cur = []any{map[rune]string{'a': "append", 'r': "r", 'w': "w"}[c]}
		case strings.ContainsRune("xyztu", c):
			cur = append(cur, string(c))
		case c == '_':
			cur = append(cur, nil)
		case c >= '0' && c <= '9':
			v := int64(c - '0')
			switch {
			case cur[0] == "r" && lists && len(cur) == 3:
				cur[2] = append(cur[2].([]any), v)
			case cur[0] == "r" && lists:
				cur = append(cur, []any{v})
			default:
				cur = append(cur, v)
			}
		default:
			panic("bad shorthand " + s)
		}
	}
	flush()
	return out
}

// rec is one record of a test history.
type rec struct {
	p   int64
	typ history.Type
	txn string
}

// ok is a committed transaction of process 0 given by its completion only,
// as most of Elle's tests write them.
func ok(s string) []rec { return []rec{{0, history.OK, s}} }

// done is a completion only, of the given process and type.
func done(p int64, typ history.Type, s string) []rec { return []rec{{p, typ, s}} }

// pair is an invocation and its ok completion.
func pair(p int64, s string) []rec { return []rec{{p, history.Invoke, s}, {p, history.OK, s}} }

// inv is an invocation alone; fin an ok completion alone.
func inv(p int64, s string) []rec { return []rec{{p, history.Invoke, s}} }
func fin(p int64, s string) []rec { return []rec{{p, history.OK, s}} }

// hist builds a history: an invocation's reads carry no value.
func hist(lists bool, parts ...[]rec) history.History {
	var h history.History
	for _, part := range parts {
		for _, r := range part {
			v := mopsOf(r.txn, lists)
			if r.typ == history.Invoke {
				for _, m := range v {
					if m := m.([]any); m[0] == "r" {
						m[2] = nil
					}
				}
			}
			h = append(h, history.Op{Index: int64(len(h)), Time: int64(len(h)), Process: history.Process(r.p), Type: r.typ, F: "txn", Value: v})
		}
	}
	return h
}

func check(t *testing.T, h history.History, opts Options) Result {
	t.Helper()
	res, err := Check(context.Background(), h, opts)
	if err != nil {
		t.Fatal(err)
	}
	verify(t, h, res)
	return res
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// Cycles held to the records.

// verify holds every cycle a check reports to the history itself, without
// the checker's indexes: the steps chain from transaction to transaction
// and close; the transactions are distinct; the cycle's class is what its
// steps make it; and each step's claim is true of the records.
func verify(t *testing.T, h history.History, res Result) {
	t.Helper()
	for _, a := range res.Anomalies {
		if len(a.Steps) == 0 {
			continue
		}
		if err := verifyCycle(res, a); err != nil {
			t.Fatalf("%s cycle %v: %v\n%s", a.Type, a.Txns, err, a.Explanation)
		}
	}
}

func verifyCycle(res Result, a Anomaly) error {
	n := len(a.Txns)
	if len(a.Steps) != n || n < 2 {
		return fmt.Errorf("%d steps for %d transactions", len(a.Steps), n)
	}
	seen := map[int]bool{}
	var labels []Rel
	for i, st := range a.Steps {
		if seen[a.Txns[i]] {
			return fmt.Errorf("transaction %d twice", a.Txns[i])
		}
		seen[a.Txns[i]] = true
		if st.From != a.Txns[i] || st.To != a.Txns[(i+1)%n] {
			return fmt.Errorf("step %d leads %d→%d, not %d→%d", i, st.From, st.To, a.Txns[i], a.Txns[(i+1)%n])
		}
		if err := justified(res, st); err != nil {
			return fmt.Errorf("step %d (%s %d→%d): %v", i, st.Rel, st.From, st.To, err)
		}
		labels = append(labels, st.Rel)
	}
	if c := classify(labels); c != a.Type {
		return fmt.Errorf("steps %v make a %s", labels, c)
	}
	return nil
}

// justified checks one step against the records.
func justified(res Result, st Step) error {
	from, to := res.Txns[st.From], res.Txns[st.To]
	if from.Type == history.Fail || to.Type == history.Fail {
		return fmt.Errorf("a failed transaction in a dependency")
	}
	mop := func(t history.Txn, i int) history.MicroOp {
		if i < 0 || i >= len(t.Mops) {
			return history.MicroOp{}
		}
		return t.Mops[i]
	}
	fm, tm := mop(from, st.FromMop), mop(to, st.ToMop)
	same := func(m history.MicroOp, f string, v any) bool {
		return m.F == f && history.Equal(m.Key, st.Key) && history.Format(m.Value) == history.Format(v)
	}
	switch st.Rel {
	case Process:
		if from.Process != to.Process || from.Type != history.OK || to.Type != history.OK || from.CompleteAt > to.CompleteAt {
			return fmt.Errorf("not one process's order")
		}
	case Realtime:
		if from.Type != history.OK || to.InvokeAt < from.CompleteAt {
			return fmt.Errorf("%s did not begin after %s completed", "to", "from")
		}
	case WR:
		if to.Type != history.OK {
			return fmt.Errorf("the reader did not commit")
		}
		if res.Workload == ListAppend {
			elems, _ := tm.Value.([]any)
			if tm.F != history.MopRead || !history.Equal(tm.Key, st.Key) || len(elems) == 0 || elems[len(elems)-1] != st.Value || !same(fm, history.MopAppend, st.Value) {
				return fmt.Errorf("%v does not read %v's append %v", tm, fm, st.Value)
			}
			return nil
		}
		if !same(tm, history.MopRead, st.Value) || !same(fm, history.MopWrite, st.Value) || !external(to, st.ToMop) || !lastWrite(from, st.FromMop) {
			return fmt.Errorf("%v does not externally read %v's final write", tm, fm)
		}
	case WW:
		if !same(fm, history.MopAppend, st.Value) || !same(tm, history.MopAppend, st.Value2) {
			return fmt.Errorf("%v, %v are not the appends of %v and %v", fm, tm, st.Value, st.Value2)
		}
		if !follows(res, st.Key, st.Value, false, st.Value2) {
			return fmt.Errorf("no read puts %v right before %v", st.Value, st.Value2)
		}
	case RW:
		if from.Type != history.OK {
			return fmt.Errorf("the reader did not commit")
		}
		if res.Workload == RWRegister {
			if !st.Initial || !same(fm, history.MopRead, nil) || !external(from, st.FromMop) || !same(tm, history.MopWrite, st.Value2) || !lastWrite(to, st.ToMop) {
				return fmt.Errorf("%v is not an external read of nil before %v", fm, tm)
			}
			return nil
		}
		elems, _ := fm.Value.([]any)
		switch {
		case fm.F != history.MopRead || !history.Equal(fm.Key, st.Key):
			return fmt.Errorf("%v is not a read of %v", fm, st.Key)
		case st.Initial && len(elems) != 0, !st.Initial && (len(elems) == 0 || elems[len(elems)-1] != st.Value):
			return fmt.Errorf("%v did not read the state %v", fm, st.Value)
		case !same(tm, history.MopAppend, st.Value2):
			return fmt.Errorf("%v is not the append of %v", tm, st.Value2)
		case !follows(res, st.Key, st.Value, st.Initial, st.Value2):
			return fmt.Errorf("no read puts %v right after the state %v", st.Value2, st.Value)
		}
	default:
		return fmt.Errorf("unknown dependency %q", st.Rel)
	}
	return nil
}

// follows reports whether, by the rule that the longest committed read of
// key is its order of appends and an element it lacks came after all of
// it, element next was appended right after element prev (or first, with
// initial). Among reads of the longest length any may be the order.
func follows(res Result, key, prev any, initial bool, next any) bool {
	var longest [][]any
	for _, t := range res.Txns {
		if t.Type != history.OK {
			continue
		}
		for _, m := range t.Mops {
			elems, _ := m.Value.([]any)
			if m.F != history.MopRead || !history.Equal(m.Key, key) {
				continue
			}
			switch {
			case len(longest) == 0 || len(elems) > len(longest[0]):
				longest = [][]any{elems}
			case len(elems) == len(longest[0]):
				longest = append(longest, elems)
			}
		}
	}
	if len(longest) == 0 {
		return initial
	}
	for _, l := range longest {
		l = firstOccurrences(l)
		i := slices.Index(l, next)
		switch {
		case i == 0 && initial, i > 0 && !initial && l[i-1] == prev:
			return true
		case i < 0 && len(l) == 0 && initial, i < 0 && len(l) > 0 && !initial && l[len(l)-1] == prev:
			return true
		}
	}
	return false
}

// external reports whether mop i of t is its first read of the key, before
// any write of it.
func external(t history.Txn, i int) bool {
	for _, m := range t.Mops[:i] {
		if history.Equal(m.Key, t.Mops[i].Key) {
			return false
		}
	}
	return true
}

// lastWrite reports whether mop i of t is its last write of the key.
func lastWrite(t history.Txn, i int) bool {
	for _, m := range t.Mops[i+1:] {
		if m.F == history.MopWrite && history.Equal(m.Key, t.Mops[i].Key) {
			return false
		}
	}
	return true
}

func firstOccurrences(l []any) []any {
	var out []any
	for _, e := range l {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// Elle's reports.

// elleReport filters a result's anomaly types as Elle does.
func elleReport(res Result, prohibited func(string) bool) []string {
	var out []string
	for _, a := range res.Anomalies {
		report := prohibited(a.Type) || a.Type == EmptyGraph || a.Type == CycleSearchLimit && prohibited(a.Class)
		if report && !slices.Contains(out, a.Type) {
			out = append(out, a.Type)
		}
	}
	return out
}

// Simulated histories.

// simulate runs n list-append transactions from procs concurrent clients
// against an in-memory database and records the history, Jepsen style: an
// invocation, then a completion. Keys rotate as Jepsen's generator rotates
// them: a few are active, and each retires after 32 appends.
//
// The database applies a transaction atomically when it completes, so the
// history is strictly serializable — unless snapshot is set: then it runs
// snapshot isolation, reads seeing the state as of the transaction's
// invocation (and its own appends), and a transaction whose appends meet a
// key another transaction changed since then fails (first committer
// wins). A few transactions time out (info): half of them took effect.
func simulate(r *rand.Rand, n, procs int, snapshot bool) history.History {
	type client struct {
		proc int64
		mops []history.MicroOp
		snap map[int64][]any
		busy bool
	}
	state := map[int64][]any{}
	active := []int64{0, 1, 2, 3, 4, 5, 6, 7}
	nextKey, appended := int64(8), map[int64]int64{}
	clients := make([]client, procs)
	for i := range clients {
		clients[i].proc = int64(i)
	}
	nextProc := int64(procs)
	var h history.History
	rec := func(c *client, typ history.Type, v []history.MicroOp) {
		h = append(h, history.Op{Index: int64(len(h)), Time: int64(len(h)) * 1000, Process: history.Process(c.proc), Type: typ, F: "txn", Value: history.TxnValue(v)})
	}
	started := 0
	for started < n || slices.ContainsFunc(clients, func(c client) bool { return c.busy }) {
		c := &clients[r.IntN(procs)]
		if !c.busy {
			if started == n {
				continue
			}
			started++
			c.mops = nil
			for range 1 + r.IntN(6) {
				k := active[r.IntN(len(active))]
				if r.IntN(2) == 0 {
					c.mops = append(c.mops, history.MicroOp{F: history.MopRead, Key: k})
					continue
				}
				appended[k]++
				c.mops = append(c.mops, history.MicroOp{F: history.MopAppend, Key: k, Value: appended[k]})
				if appended[k] == 32 {
					i := slices.Index(active, k)
					active[i], nextKey = nextKey, nextKey+1
				}
			}
			c.snap = map[int64][]any{}
			for k, v := range state {
				c.snap[k] = v
			}
			c.busy = true
			rec(c, history.Invoke, c.mops)
			continue
		}
		view := state
		if snapshot {
			view = c.snap
		}
		own := map[int64][]any{}
		done := slices.Clone(c.mops)
		for i, m := range done {
			k := m.Key.(int64)
			cur, mine := own[k]
			if !mine {
				cur = view[k]
			}
			if m.F == history.MopRead {
				done[i].Value = append([]any{}, cur...) // [] rather than a nil list, as JSON reads it back
				continue
			}
			own[k] = append(slices.Clone(cur), m.Value)
		}
		conflict := false
		for _, m := range c.mops {
			if k := m.Key.(int64); snapshot && m.F == history.MopAppend && len(state[k]) != len(c.snap[k]) {
				conflict = true
			}
		}
		if conflict {
			c.busy = false
			rec(c, history.Fail, c.mops)
			continue
		}
		timeout := r.IntN(100) == 0
		if !timeout || r.IntN(2) == 0 {
			for _, m := range c.mops {
				if m.F == history.MopAppend {
					k := m.Key.(int64)
					state[k] = append(slices.Clone(state[k]), m.Value)
				}
			}
		}
		c.busy = false
		if timeout {
			rec(c, history.Info, c.mops)
			c.proc, nextProc = nextProc, nextProc+1 // Jepsen retires a process that timed out
			continue
		}
		rec(c, history.OK, done)
	}
	return h
}
