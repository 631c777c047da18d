package lessons

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// Helpers for the transactional lessons' tests (14–16).

// runTxn reruns a seed of a transactional lesson with the trace on and
// checks it fully against the lesson's consistency model.
func runTxn(t *testing.T, id, variant string, seed uint64) (*sim.Sim, txn.Result) {
	t.Helper()
	s, _ := runSeed(t, id, variant, seed)
	l, _ := Get(id)
	res, err := l.CheckTxn(context.Background(), s.History(), checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

// wantTxn is what a test pins of a transaction: its process, records,
// outcome (and error) and micro-operations as the history has them.
type wantTxn struct {
	process   history.Process
	inv, comp int64
	typ       history.Type
	err       string
	mops      []any
}

func (w wantTxn) check(t *testing.T, name string, got history.Txn) {
	t.Helper()
	var inv, comp int64 = -1, -1
	if got.Invocation != nil {
		inv = got.Invocation.Index
	}
	var errCode string
	if got.Completion != nil {
		comp, errCode = got.Completion.Index, got.Completion.Error
	}
	if got.Process != w.process || inv != w.inv || comp != w.comp || got.Type != w.typ || errCode != w.err {
		t.Errorf("%s: process %v, records %d and %d, %s %q; want process %v, records %d and %d, %s %q",
			name, got.Process, inv, comp, got.Type, errCode, w.process, w.inv, w.comp, w.typ, w.err)
	}
	if mops := history.TxnValue(got.Mops); !reflect.DeepEqual(mops, w.mops) {
		t.Errorf("%s: micro-operations %s, want %s", name, history.Format(mops), history.Format(w.mops))
	}
}

// mop builds a micro-operation as the history holds it.
func mop(f, key string, v any) []any { return []any{f, key, v} }

// list builds a list value of int64 elements.
func list(xs ...int64) []any {
	out := []any{}
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}

// txnAt finds the transaction invoked at a record.
func txnAt(t *testing.T, res txn.Result, inv int64) history.Txn {
	t.Helper()
	for _, x := range res.Txns {
		if x.Invocation != nil && x.Invocation.Index == inv {
			return x
		}
	}
	t.Fatalf("no transaction is invoked at record %d", inv)
	return history.Txn{}
}

// firstForbidden is the anomaly a verdict names, or a test failure.
func firstForbidden(t *testing.T, res txn.Result) txn.Anomaly {
	t.Helper()
	a, ok := FirstForbidden(res)
	if !ok || res.Verdict != txn.Invalid {
		t.Fatalf("verdict %s with anomalies %v: want one that %s forbids", res.Verdict, res.Types, res.Consistency)
	}
	return a
}

// traceTime is the time of the first trace event that shows line.
func traceTime(t *testing.T, s *sim.Sim, line string) int64 {
	t.Helper()
	for _, e := range s.Trace() {
		if strings.Contains(e.String(), line) {
			return e.Time
		}
	}
	t.Fatalf("the trace never shows %q", line)
	return 0
}

// readsOf lists what the committed transactions' reads of key returned,
// with the record of each transaction's completion.
func readsOf(res txn.Result, key string) (values []any, at []int64) {
	for _, x := range res.Txns {
		if x.Type != history.OK {
			continue
		}
		for _, m := range x.Mops {
			if m.F == history.MopRead && m.Key == key {
				values = append(values, m.Value)
				at = append(at, x.Completion.Index)
			}
		}
	}
	return values, at
}
