package tui

import (
	"context"
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

// The transactional lessons (14–16) on the lesson screen: their verdict is
// the consistency model they claim ("NOT SERIALIZABLE"), the checker's
// full result rides with it (checkState.extra), and `w` opens the cycle
// view (cycle_view.go) instead of the witness timeline.

// txnWords are a transactional lesson's verdicts, in its model's words.
func txnWords(l *lessons.Lesson) *verdictWords {
	name := lessons.ModelWords(l.Consistency)
	upper := strings.ToUpper(name)
	return &verdictWords{pass: upper, fail: "NOT " + upper, unknown: "UNKNOWN",
		witness: "the transactions of the first anomaly " + name + " forbids",
		none:    "there is no NOT " + upper + " verdict"}
}

// checkLesson checks a lesson's history: a transactional lesson's verdict
// comes with the checker's whole result, for the cycle view.
func checkLesson(ctx context.Context, l *lessons.Lesson, h history.History, opts checker.Options) (checker.Result, any, error) {
	if !l.Transactional() {
		res, err := l.Check(ctx, h, opts)
		return res, nil, err
	}
	tr, err := l.CheckTxn(ctx, h, opts)
	if err != nil {
		return checker.Result{}, nil, err
	}
	res := lessons.TxnVerdict(tr)
	res.Model = l.Model
	return res, tr, nil
}

// txnResult is the transactional result of the last check, if it was one.
func (c *checkState) txnResult() (txn.Result, bool) {
	tr, ok := c.extra.(txn.Result)
	return tr, ok
}

// invocations counts a history's invocations: its operations.
func invocations(h history.History) int {
	n := 0
	for _, o := range h {
		if o.Type == history.Invoke {
			n++
		}
	}
	return n
}

// txnVerdictHead is the first line of a transactional verdict: the model
// satisfied or violated, and the anomaly.
func txnVerdictHead(st *Styles, c *checkState, tr txn.Result) string {
	head := c.word(st, lessons.TxnVerdict(tr).Verdict)
	model := lessons.ModelWords(tr.Consistency)
	switch tr.Verdict {
	case txn.Invalid:
		if a, ok := lessons.FirstForbidden(tr); ok {
			head += " — " + st.Bold.Render(fmt.Sprintf("%s (%s)", txn.PlainNameOf(a), a.Type))
		}
	case txn.Valid:
		head += fmt.Sprintf(" — no anomaly that %s forbids among %d transactions", model, len(tr.Txns))
	default:
		head += " — the checker could not decide"
	}
	return head
}

// anomalyCounts says how many anomalies of each type the run shows.
func anomalyCounts(tr txn.Result) []string {
	if len(tr.Types) == 0 {
		return []string{"no anomaly at all"}
	}
	var out []string
	for _, t := range tr.Types {
		n := 0
		for _, a := range tr.Anomalies {
			if a.Type == t {
				n++
			}
		}
		out = append(out, fmt.Sprintf("%d %s", n, t))
	}
	return out
}

// txnStory says in one line what happened where the run breaks: the
// anomaly, told by the processes whose transactions show it.
func txnStory(tr txn.Result, a txn.Anomaly) string {
	name := func(i int) string { return fmt.Sprintf("p%v", tr.Txns[a.Txns[i]].Process) }
	key := keyWords(a.Key)
	switch {
	case len(a.Steps) > 0:
		path := name(0)
		for i, st := range a.Steps {
			path += fmt.Sprintf(" →%s %s→ %s", st.Rel, keyWords(st.Key), name((i+1)%len(a.Steps)))
		}
		return fmt.Sprintf("%d transactions form a cycle no serial order allows: %s (%s, %s)",
			len(a.Txns), path, txn.PlainNameOf(a), a.Type)
	case a.Type == txn.G1a && len(a.Txns) == 2:
		return fmt.Sprintf("%s's transaction committed having read %s with %s in it, which %s's transaction wrote — and %s failed: an aborted read (G1a)",
			name(0), key, history.Format(a.Element), name(1), name(1))
	case a.Type == txn.G1b && len(a.Txns) == 2:
		return fmt.Sprintf("%s's transaction read %s at %s, a state %s's transaction went on to change before it committed: an intermediate read (G1b)",
			name(0), key, history.Format(a.Element), name(1))
	case a.Type == txn.LostUpdate:
		var ps []string
		for i := range a.Txns {
			ps = append(ps, name(i))
		}
		if len(ps) == 2 {
			return fmt.Sprintf("%s and %s both read %s = %s, then wrote %s, and both committed: the later write overwrote the earlier unseen (lost update)",
				ps[0], ps[1], key, history.Format(a.Value), key)
		}
		return fmt.Sprintf("%s all read %s = %s, then wrote %s, and all committed: each later write overwrote an earlier one unseen (lost update)",
			strings.Join(ps[:len(ps)-1], ", ")+" and "+ps[len(ps)-1], key, history.Format(a.Value), key)
	}
	return fmt.Sprintf("%s (%s)", txn.PlainNameOf(a), a.Type)
}

// txnText renders a transaction's value as its micro-operations, as the
// explanations write them: "append k5 5, r k6 [1]" (reads without what
// they returned unless reads). ok is false when v is no transaction.
func txnText(v any, reads bool) (string, bool) {
	mops, err := history.ParseMicroOps(v)
	if err != nil {
		return "", false
	}
	t := history.Txn{Mops: mops, Type: history.Info}
	if reads {
		t.Type = history.OK
	}
	return lessons.MopsText(t), true
}

// txnBodyWords describes a message that carries a transaction — a
// client's request, a node's answer, a request forwarded — by its
// micro-operations.
func txnBodyWords(b sim.Body) (string, bool) {
	switch b := b.(type) {
	case sim.ClientRequest:
		if t, ok := txnText(b.Value, false); ok && b.F == "txn" {
			return "txn " + t, true
		}
	case toydb.Forwarded:
		if s, ok := txnBodyWords(b.Req); ok {
			return "forward " + s + " from " + b.Client, true
		}
	case sim.ClientReply:
		if t, ok := txnText(b.Value, true); ok && b.OK {
			return "ok " + t, true
		}
	}
	return "", false
}

// txnOrderNote is what the timeline says of an operation's place in a
// transactional lesson: there is no order of operations, but there may be
// an anomaly it is part of.
func txnOrderNote(e *explorerModel, inv history.Op) string {
	tr, ok := e.in.check.txnResult()
	if !ok {
		return "Transactions are checked for isolation anomalies, not linearizability: the verdict comes with the cycle of transactions that proves it (w)."
	}
	for _, a := range cycleOrder(tr) {
		for _, id := range a.Txns {
			if t := tr.Txns[id]; t.Invocation != nil && t.Invocation.Index == inv.Index {
				return fmt.Sprintf("This transaction is part of a %s (%s) the checker found — w draws it.", txn.PlainNameOf(a), a.Type)
			}
		}
	}
	return "The checker found this transaction in no anomaly; w draws those it found."
}

// withLogs adds to a causal set the nodes' log lines between its first
// and last events: in a transactional lesson, the server's steps of the
// transactions that interleaved there — which is how the anomaly came to
// be.
func withLogs(x *messageIndex, rows []int32) []int32 {
	if len(rows) == 0 {
		return rows
	}
	first, last := rows[0], rows[len(rows)-1]
	in := map[int32]bool{}
	for _, p := range rows {
		in[p] = true
	}
	var out []int32
	for _, p := range x.rows {
		if in[p] || p > first && p < last && x.tr[p].Kind == sim.TraceLog {
			out = append(out, p)
		}
	}
	return out
}

// txnExport adapts an export to a transactional lesson: no porcupine
// page, and the command that checks the history again — Jepsen's EDN,
// which Elle reads too.
func txnExport(job *exportJob, l *lessons.Lesson) {
	job.result = nil
	replay := job.use
	job.use = func(path string) []string {
		edn := strings.TrimSuffix(path, ".scenario.json") + ".edn"
		return append(replay(path), fmt.Sprintf("Check it again (or with Elle: the .edn is Jepsen's format): go run . check %s --model %s --consistency %s", edn, l.Model, l.Consistency))
	}
	job.pageNote = "No HTML page: porcupine's page shows linearizability, and this lesson checks transactions."
}

// keyWords renders a key; a name goes unquoted.
func keyWords(k any) string {
	if s, ok := k.(string); ok {
		return s
	}
	return history.Format(k)
}
