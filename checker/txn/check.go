// Package txn checks transactional histories for isolation anomalies, the
// way Elle does (Kingsbury & Alvaro, "Elle: Inferring Isolation Anomalies
// from Experimental Observations", VLDB 2020), with Adya's definitions of
// the anomalies.
//
// From the values transactions read and wrote it infers the dependencies
// the history proves between them — write-write (ww), write-read (wr) and
// read-write anti-dependencies (rw) — and, when asked, the order in which
// each process ran its transactions and real-time order. A cycle among them
// is an anomaly: no serial order can explain the history. Cycles are
// classified by their steps (G0, G1c, G-single-item, G-nonadjacent-item,
// G2-item, each with -process and -realtime variants); anomalies that need
// no cycle are found directly (G1a aborted read, G1b intermediate read,
// internal inconsistency, lost update, ...). A consistency model is the set
// of anomalies it forbids.
//
// Two workloads, as Jepsen's: list-append, where transactions append unique
// values to lists and read whole lists, so every read reveals the order of
// the appends before it; and rw-register, where transactions write unique
// values to registers and read them, which proves less (a write-read
// dependency per read; a read of nil, the initial state, precedes every
// write of that key).
//
// The checker imports only history; it is faultline's own implementation,
// written from the paper and the papers it cites.
package txn

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/faultline-lab/faultline/history"
)

// The workloads.
const (
	ListAppend = "list-append"
	RWRegister = "rw-register"
)

// Workloads lists the workloads by name.
func Workloads() []string { return []string{ListAppend, RWRegister} }

// DefaultBudget bounds the cycle search for one class in one strongly
// connected component, in arcs visited (about a second's work).
const DefaultBudget = 50_000_000

// Options configure a check.
type Options struct {
	// Workload is ListAppend or RWRegister; "" guesses from the
	// micro-operations (appends: list-append, writes: rw-register).
	Workload string
	// Consistency is the model the history must satisfy; "" means
	// strict-serializable.
	Consistency string
	// ElleOrders infers process and real-time order only when the model
	// forbids an anomaly that needs them, as Elle does (real time for
	// strict serializability, process order for the strong-session
	// models). By default both are inferred, so that every model's verdict
	// can be reported; a cycle closed by a process's own order is then
	// named -process even where Elle, checking strict serializability,
	// would name it -realtime. Models needing an order not inferred may then
	// be reported satisfied unchecked.
	ElleOrders bool
	// Budget bounds each cycle search; 0 means DefaultBudget. A search that
	// runs out reports a cycle-search-timeout anomaly.
	Budget int
}

// Verdict is a check's answer.
type Verdict string

// The three verdicts.
const (
	Valid   Verdict = "valid"   // no anomaly the model forbids
	Invalid Verdict = "invalid" // an anomaly the model forbids
	Unknown Verdict = "unknown" // nothing forbidden found, but the search was incomplete or had nothing to go on
)

// Result is a check's outcome.
type Result struct {
	Verdict     Verdict
	Workload    string
	Consistency string
	// Txns are the history's transactions; anomalies name them by position.
	Txns []history.Txn
	// Anomalies are every anomaly found, most severe first; at most one
	// cycle of each class per strongly connected component.
	Anomalies []Anomaly
	// Types are the anomaly types found, in the same order.
	Types []string
	// Forbidden are the types found that Consistency forbids.
	Forbidden []string
	// Not are the weakest models the history violates (Elle's :not), and
	// Violates every model it violates, weakest first.
	Not, Violates []string
	// Satisfies are the strongest models it satisfies (of Models()); a
	// model that forbids a class whose search gave up is not among them.
	Satisfies []string
	// Explanation is a paragraph: the first forbidden anomaly, or why the
	// history passes.
	Explanation string
	// Dependencies counts the pairs of transactions the graph relates.
	Dependencies int
}

// Anomaly is one anomaly. Txns are the transactions that witness it (for a
// cycle, in cycle order); the other fields are those its type uses.
type Anomaly struct {
	Type string
	Txns []int
	// Steps are a cycle's dependencies: Steps[i] leads from Txns[i] to the
	// next transaction, the last back to the first.
	Steps []Step
	// Mop is the offending micro-operation of Txns[0] (-1 when none).
	Mop int
	Key any
	// Element is the appended element or written value concerned (G1a,
	// G1b, future-read, garbage-read).
	Element any
	// Expected is what an internally inconsistent read should have seen; a
	// list-append read whose earlier elements are unknown expects a suffix
	// (ExpectSuffix).
	Expected     any
	ExpectSuffix bool
	// Values are an incompatible-order's two reads, or a dirty-update's
	// versions.
	Values []any
	// Value is what the transactions of a lost update all read.
	Value any
	// Duplicates counts, for duplicate-elements, each element read more
	// than once.
	Duplicates map[string]int
	// Class and Size describe a cycle-search-timeout: the class searched
	// and the transactions in the component.
	Class string
	Size  int
	// Explanation says it in words, naming the transactions T1, T2, ... in
	// the order of Txns.
	Explanation string
}

// Step is one dependency of a cycle and what in the history justifies it.
type Step struct {
	From, To int
	Rel      Rel
	Key      any
	// Value is, for ww, what From wrote; for wr, what To read from From;
	// for rw, what From read (see Initial). Value2 is, for ww and rw, what
	// To wrote next (Elle's value').
	Value, Value2 any
	// Initial says an rw step's From read the initial state (an empty
	// list, or nil).
	Initial bool
	// FromMop and ToMop index the micro-operations concerned (-1: none).
	FromMop, ToMop int
	// Process is a process step's process.
	Process history.Process
	// Text says it in words.
	Text string
}

// Check checks h. The error is for bad input only: an unknown workload or
// model, a record that is not a transaction of the workload, values that
// are not unique where the workload needs them to be. Cancelling ctx stops
// the search; the result is then Unknown.
func Check(ctx context.Context, h history.History, opts Options) (Result, error) {
	consistency, err := CanonicalModel(opts.Consistency)
	if err != nil {
		return Result{}, err
	}
	txns, err := history.Txns(h)
	if err != nil {
		return Result{}, err
	}
	workload := opts.Workload
	if workload == "" {
		workload = guessWorkload(txns)
	}
	var inf *inference
	switch workload {
	case ListAppend:
		inf, err = inferListAppend(txns)
	case RWRegister:
		inf, err = inferRWRegister(txns)
	default:
		return Result{}, fmt.Errorf("unknown workload %q (workloads: list-append, rw-register)", workload)
	}
	if err != nil {
		return Result{}, err
	}
	process, realtime := true, true
	if opts.ElleOrders {
		process, realtime = needsOrders(consistency)
	}
	if process {
		inf.arcs = append(inf.arcs, processOrder(txns)...)
	}
	if realtime {
		inf.arcs = append(inf.arcs, realtimeOrder(h, txns)...)
	}
	g := newGraph(len(txns), inf.arcs)
	budget := opts.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	anomalies := inf.anomalies
	if len(g.to) == 0 {
		anomalies = append(anomalies, Anomaly{Type: EmptyGraph, Mop: -1})
	}
	found, err := cycles(ctx, g, inf, classes(process, realtime), budget)
	if err != nil {
		return Result{}, err
	}
	anomalies = append(anomalies, found...)
	res := Result{Workload: workload, Consistency: consistency, Txns: txns, Dependencies: len(g.to)}
	res.settle(anomalies)
	if ctx.Err() != nil && res.Verdict == Valid {
		res.Verdict = Unknown
		res.Explanation = "The check stopped (time limit or cancelled) before the search for cycles finished; a longer --timeout may decide it."
	}
	return res, nil
}

// guessWorkload tells the workload from the micro-operations: appends or
// lists read are list-append's, writes or single values read
// rw-register's.
func guessWorkload(txns []history.Txn) string {
	for _, t := range txns {
		for _, m := range t.Mops {
			_, list := m.Value.([]any)
			switch {
			case m.F == history.MopAppend, m.F == history.MopRead && list:
				return ListAppend
			case m.F == history.MopWrite, m.F == history.MopRead && m.Value != nil:
				return RWRegister
			}
		}
	}
	return ListAppend
}

// inference is what a workload's analysis yields: the data dependencies,
// the anomalies found without a cycle, and the justification of a
// dependency between two transactions.
type inference struct {
	arcs      []arc
	anomalies []Anomaly
	justify   func(from, to int, r Rel) (Step, bool)
	txns      []history.Txn
}

// cycles searches each strongly connected component of g for cycles.
func cycles(ctx context.Context, g *graph, inf *inference, cls []class, budget int) ([]Anomaly, error) {
	comp, count := g.components(relAll)
	local := make([]int32, g.n)
	for i := range local {
		local[i] = -1
	}
	var out []Anomaly
	for _, verts := range members(comp, count) {
		if len(verts) < 2 || ctx.Err() != nil {
			continue
		}
		s := &componentSearch{g: g.induced(verts, local), budget: budget}
		for _, f := range s.run(ctx, cls) {
			if f.timedOut {
				out = append(out, Anomaly{Type: CycleSearchLimit, Class: f.class, Size: len(verts), Mop: -1})
				continue
			}
			a, err := inf.cycleAnomaly(f.class, f.cyc, verts)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// cycleAnomaly turns a cycle of component vertices into an anomaly over
// transactions, each step justified. Every arc of the graph came from a
// justification, so failing to find one is the checker's bug, reported as
// an error rather than a wrong answer.
func (inf *inference) cycleAnomaly(class string, c *cycle, verts []int32) (Anomaly, error) {
	a := Anomaly{Type: class, Mop: -1}
	first := 0 // start the cycle at its earliest transaction, for readers
	for i, v := range c.verts {
		if verts[v] < verts[c.verts[first]] {
			first = i
		}
	}
	n := len(c.verts)
	for i := range n {
		a.Txns = append(a.Txns, int(verts[c.verts[(first+i)%n]]))
	}
	labels := append(slices.Clone(c.labels[first:]), c.labels[:first]...)
	for i, l := range labels {
		from, to := a.Txns[i], a.Txns[(i+1)%len(a.Txns)]
		st, ok := inf.step(from, to, l)
		if !ok {
			return a, fmt.Errorf("internal error: no justification for the %s dependency between records %d and %d", l, inf.txns[from].Record().Index, inf.txns[to].Record().Index)
		}
		a.Steps = append(a.Steps, st)
	}
	return a, nil
}

// step justifies one dependency.
func (inf *inference) step(from, to int, r Rel) (Step, bool) {
	switch r {
	case Process:
		a, b := inf.txns[from], inf.txns[to]
		return Step{From: from, To: to, Rel: r, Process: a.Process, FromMop: -1, ToMop: -1}, a.Process == b.Process
	case Realtime:
		a, b := inf.txns[from], inf.txns[to]
		return Step{From: from, To: to, Rel: r, FromMop: -1, ToMop: -1}, a.CompleteAt >= 0 && b.InvokeAt > a.CompleteAt
	}
	return inf.justify(from, to, r)
}

// EvidenceAt is the history position at which an anomaly's evidence is
// complete: the last completion among its transactions (math.MaxInt when
// none completed).
func EvidenceAt(a Anomaly, txns []history.Txn) int {
	at := -1
	for _, id := range a.Txns {
		if id >= 0 && id < len(txns) {
			at = max(at, txns[id].CompleteAt)
		}
	}
	if at < 0 {
		return math.MaxInt
	}
	return at
}

// settle sorts the anomalies, explains them and reaches the verdict. The
// anomaly explained is the earliest of the most severe kind: of each type,
// the one whose evidence was complete first (the completion of its last
// transaction), where a learner's playback stops. The lessons pick the
// same, so run and check explain the same cycle of the same history.
func (res *Result) settle(anomalies []Anomaly) {
	slices.SortStableFunc(anomalies, func(a, b Anomaly) int {
		if c := severityOf(a.Type) - severityOf(b.Type); c != 0 {
			return c
		}
		return cmp.Compare(EvidenceAt(a, res.Txns), EvidenceAt(b, res.Txns))
	})
	var known, gaveUp []string
	unknown := false
	for i := range anomalies {
		a := &anomalies[i]
		a.Explanation = explain(a, res.Txns, res.Workload)
		if !slices.Contains(res.Types, a.Type) {
			res.Types = append(res.Types, a.Type)
			switch {
			case a.Type == EmptyGraph:
				unknown = true
			case a.Type == CycleSearchLimit:
			default:
				known = append(known, a.Type)
				if Forbids(res.Consistency, a.Type) {
					res.Forbidden = append(res.Forbidden, a.Type)
				}
			}
		}
		if a.Type == CycleSearchLimit {
			gaveUp = append(gaveUp, a.Class)
			unknown = unknown || Forbids(res.Consistency, a.Class)
		}
	}
	res.Anomalies = anomalies
	res.Violates = violated(known)
	res.Not = weakest(res.Violates)
	var ok []string
	for _, m := range Models() {
		if !slices.Contains(res.Violates, m) && !slices.ContainsFunc(gaveUp, func(c string) bool { return Forbids(m, c) }) {
			ok = append(ok, m)
		}
	}
	res.Satisfies = strongest(ok)
	switch {
	case len(res.Forbidden) > 0:
		res.Verdict = Invalid
	case unknown:
		res.Verdict = Unknown
	default:
		res.Verdict = Valid
	}
	res.Explanation = summarize(*res)
}
