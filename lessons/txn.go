package lessons

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
)

// The transactional lessons: their operations are transactions, their
// Model is a workload of checker/txn (list-append, rw-register), and their
// histories are checked for isolation anomalies against the consistency
// model the lesson's database claims (Lesson.Consistency), as Elle checks
// them. Every path that wants only a verdict (hunts, the lesson kit, the
// torture harness) gets it from Check, in the shape every lesson's verdict
// has; the command line and the workbench ask CheckTxn for the full
// result — every anomaly, its cycle and the models the history satisfies.

// Transactional reports whether the lesson's operations are transactions.
func (l *Lesson) Transactional() bool {
	return slices.Contains(txn.Workloads(), string(l.Model))
}

// checkConsistency: a transactional lesson names the model it claims; no
// other lesson names one.
func (l *Lesson) checkConsistency() error {
	switch {
	case !l.Transactional() && l.Consistency != "":
		return fmt.Errorf("a consistency model (%s) is for transactional lessons, not model %s", l.Consistency, l.Model)
	case !l.Transactional():
		return nil
	case l.Consistency == "":
		return fmt.Errorf("a transactional lesson names the consistency model it checks (%s)", strings.Join(txn.Models(), ", "))
	}
	if canon, err := txn.CanonicalModel(l.Consistency); err != nil || canon != l.Consistency {
		return fmt.Errorf("consistency: %q is not one of %s", l.Consistency, strings.Join(txn.Models(), ", "))
	}
	return nil
}

// CheckTxn checks a transactional lesson's history against its
// consistency model. The error is for a history that is not the
// workload's; running out of time gives an unknown verdict.
func (l *Lesson) CheckTxn(ctx context.Context, h history.History, opts checker.Options) (txn.Result, error) {
	if !l.Transactional() {
		return txn.Result{}, fmt.Errorf("lesson %s is not transactional (model %s)", l.ID, l.Model)
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = checker.DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if opts.Progress != nil {
		opts.Progress(0, 1)
		defer opts.Progress(1, 1)
	}
	// The checker explains the earliest anomaly of the most severe kind,
	// where playback stops (txn.EvidenceAt): the lesson takes it as it is.
	return txn.Check(ctx, h, txn.Options{Workload: string(l.Model), Consistency: l.Consistency})
}

// checkTxn is Check for a transactional lesson.
func (l *Lesson) checkTxn(ctx context.Context, h history.History, opts checker.Options) (checker.Result, error) {
	res, err := l.CheckTxn(ctx, h, opts)
	if err != nil {
		return checker.Result{}, err
	}
	out := TxnVerdict(res)
	out.Model = l.Model
	return out, nil
}

// TxnVerdict puts a transactional result in the shape of every lesson's
// verdict: not-linearizable stands for "violates the model", and the
// witness is the transactions of the first anomaly the model forbids, its
// failing operation the one whose completion completed the evidence. The
// explanation is the checker's, its transactions named by their records.
func TxnVerdict(res txn.Result) checker.Result {
	out := checker.Result{Verdict: checker.Unknown, Explanation: res.Explanation, WitnessMinimal: true}
	for _, t := range res.Txns {
		if t.Invocation != nil {
			out.Ops++
		}
	}
	switch res.Verdict {
	case txn.Valid:
		out.Verdict = checker.Linearizable
		return out
	case txn.Unknown:
		return out
	}
	a, ok := FirstForbidden(res)
	if !ok {
		return out
	}
	out.Verdict = checker.NotLinearizable
	out.Anomaly = txn.PlainNameOf(a)
	out.Explanation = TxnExplanation(res, a)
	out.Witness = TxnWitness(res, a)
	out.Failing = lastToComplete(res, a)
	return out
}

// FirstForbidden is the most severe anomaly the result's model forbids.
func FirstForbidden(res txn.Result) (txn.Anomaly, bool) {
	for _, a := range res.Anomalies {
		if txn.Forbids(res.Consistency, a.Type) {
			return a, true
		}
	}
	return txn.Anomaly{}, false
}

// TxnWitness is an anomaly's transactions as records, invocations and
// completions, in history order.
func TxnWitness(res txn.Result, a txn.Anomaly) history.History {
	var w history.History
	for _, id := range a.Txns {
		if id >= 0 && id < len(res.Txns) {
			w = append(w, res.Txns[id].Records()...)
		}
	}
	slices.SortStableFunc(w, func(x, y history.Op) int { return int(x.Index - y.Index) })
	return w
}

// lastToComplete is the invocation of the anomaly's transaction that
// completed last: only then does the history hold all its evidence.
func lastToComplete(res txn.Result, a txn.Anomaly) *history.Op {
	var last *history.Txn
	for _, id := range a.Txns {
		if id < 0 || id >= len(res.Txns) {
			continue
		}
		t := &res.Txns[id]
		if t.Invocation == nil || t.Completion == nil {
			continue
		}
		if last == nil || t.CompleteAt > last.CompleteAt {
			last = t
		}
	}
	if last == nil {
		return nil
	}
	inv := *last.Invocation
	return &inv
}

// TxnExplanation is the checker's explanation of an anomaly, headed by
// the verdict (see TxnAnomalyText).
func TxnExplanation(res txn.Result, a txn.Anomaly) string {
	head := fmt.Sprintf("Not %s: %s (%s).", ModelWords(res.Consistency), txn.PlainNameOf(a), a.Type)
	return head + " " + TxnAnomalyText(res, a)
}

// TxnAnomalyText is the checker's explanation of an anomaly, each of its
// transactions introduced by its process and its records in the history.
func TxnAnomalyText(res txn.Result, a txn.Anomaly) string { return a.Explanation }

// TxnIntro names a transaction by its process and records, with what it
// did: "process 3's transaction [records 10 and 14]: r k1 [], append k2 4".
func TxnIntro(t history.Txn) string { return txn.Intro(t) }

// MopsText renders a transaction's micro-operations, reads with what they
// returned when it committed: "r k1 [1 2], append k2 3".
func MopsText(t history.Txn) string {
	var parts []string
	for _, m := range t.Mops {
		s := m.F + " " + history.Format(m.Key)
		if s2, ok := m.Key.(string); ok {
			s = m.F + " " + s2
		}
		if m.F != history.MopRead || t.Type == history.OK {
			s += " " + history.Format(m.Value)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// ModelWords is a consistency model's name in words: "snapshot isolation".
func ModelWords(model string) string { return strings.ReplaceAll(model, "-", " ") }
