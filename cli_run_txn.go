package main

import (
	"context"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
)

// The transactional lessons on the command line: run and hunt give their
// verdicts in the words of the consistency model the lesson claims — the
// history satisfies it or violates it — and run --json gives the object
// `check --model list-append|rw-register --json` gives, with the run's
// fields. Their histories go out as Jepsen writes them (--out run.edn:
// [:append k v] micro-operations), so Elle can check them too.

// checkRunTxn checks a transactional lesson's history.
func checkRunTxn(ctx context.Context, l *lessons.Lesson, h history.History) (outcome, checker.Result, error) {
	res, err := l.CheckTxn(ctx, h, checker.Options{Timeout: remaining(ctx)})
	if err != nil {
		return outcome{}, checker.Result{}, err
	}
	v := lessons.TxnVerdict(res)
	return outcome{verdict: v.Verdict, text: txn.FormatText(res), json: txnResultJSON(res)}, v, nil
}

// txnRunJSON is run --json for a transactional lesson: check's object and
// the run's fields.
type txnRunJSON struct {
	txnJSON
	Lesson    string `json:"lesson"`
	Variant   string `json:"variant"`
	Seed      uint64 `json:"seed"`
	Ops       int    `json:"ops"`
	VirtualNs int64  `json:"virtual_ns"`
	Faults    int    `json:"faults"`
	// FaultIntervals: as run's (verdictJSON).
	FaultIntervals []runFaultJSON `json:"fault_intervals"`
}

// verdictWord is a lesson's verdict as --json says it: linearizability's
// words, or a transactional lesson's model ("serializable",
// "not-serializable").
func verdictWord(l *lessons.Lesson, v checker.Verdict) string {
	if !l.Transactional() {
		return string(v)
	}
	switch v {
	case checker.Linearizable:
		return l.Consistency
	case checker.NotLinearizable:
		return "not-" + l.Consistency
	}
	return string(v)
}

// huntWords say a hunt's outcome for people: what a failing seed's history
// is, and what every history was when none failed.
func huntWords(l *lessons.Lesson) (failing, allPassed string) {
	if !l.Transactional() {
		return "not linearizable", "every history was linearizable"
	}
	m := lessons.ModelWords(l.Consistency)
	return "violate " + m, "every history satisfied " + m
}
