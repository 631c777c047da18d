package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
)

// `faultline check FILE --model list-append|rw-register [--consistency M]`
// checks a transactional history for isolation anomalies (checker/txn).

func init() {
	for _, w := range txn.Workloads() {
		fileCheckers[w] = checkTxn
	}
}

// consistencyFlag defines check's --consistency, for the transactional
// models.
func (f *flagSet) consistencyFlag(dst *string) {
	f.value("consistency", "MODEL", txn.StrictSerializable, "for "+strings.Join(txn.Workloads(), " and ")+
		": the consistency model to check ("+strings.Join(txn.Models(), ", ")+")", func(s string) error {
		if _, err := txn.CanonicalModel(s); err != nil {
			return err
		}
		*dst = s
		return nil
	})
}

// checkTxn reads a transactional history (EDN records may leave out
// :process and :f, as Elle's examples do), checks it and prints the
// outcome. Exit status: 0 it satisfies the model, 1 it does not, 2 bad
// input, 3 unknown (the search gave up, the time ran out, or the history
// proves nothing).
func checkTxn(ctx context.Context, req checkRequest, stdout io.Writer) (int, error) {
	switch {
	case req.initSet:
		return exitUsage, usagef("check: --init is for the linearizability models, not %s", req.model)
	case req.html != "":
		return exitUsage, usagef("check: --html is for the linearizability models, not %s", req.model)
	}
	cons, err := txn.CanonicalModel(req.consistency)
	if err != nil {
		return exitUsage, usagef("check: --consistency: %v", err)
	}
	data, err := readBounded(ctx, req)
	if err != nil {
		return exitUsage, err
	}
	h, detected, err := history.ReadTxnBytes(data, req.path, req.format)
	if err != nil {
		return exitUsage, err
	}
	res, err := txn.Check(ctx, h, txn.Options{Workload: req.model, Consistency: cons})
	if err != nil {
		return exitUsage, fmt.Errorf("check %s: %w", req.path, err)
	}
	code := txnExit(res.Verdict)
	if req.json {
		return code, printJSON(stdout, txnResultJSON(res))
	}
	fmt.Fprintf(stdout, "%s (%s)\n\n", req.path, detected)
	fmt.Fprint(stdout, txn.FormatText(res))
	return code, nil
}

// readBounded reads the whole history (the transactional reader works on
// bytes), at most history.MaxInputBytes of it.
func readBounded(ctx context.Context, req checkRequest) ([]byte, error) {
	src := req.src
	if src == nil {
		f, err := os.Open(req.path)
		if err != nil {
			return nil, usagef("%s: %v", req.path, unwrapPathError(err))
		}
		defer f.Close()
		src = f
	}
	data, err := io.ReadAll(io.LimitReader(src, history.MaxInputBytes+1))
	switch {
	case err != nil:
		return nil, usagef("%s: %v", req.path, unwrapPathError(err))
	case len(data) > history.MaxInputBytes:
		return nil, usagef("%s: larger than the %d MiB a history may take", req.path, history.MaxInputBytes>>20)
	}
	return data, ctx.Err()
}

func txnExit(v txn.Verdict) int {
	switch v {
	case txn.Valid:
		return exitOK
	case txn.Invalid:
		return exitFailed
	}
	return exitUnknown
}

// txnJSON is `check --json` for a transactional history. Besides the
// fields every check prints (verdict, anomaly, explanation, witness) it
// names every anomaly found with Elle's names, and the models the history
// violates and satisfies.
type txnJSON struct {
	Verdict      string          `json:"verdict"` // the model, "not-" the model, or "unknown"
	Valid        any             `json:"valid"`   // Elle's :valid?: true, false or "unknown"
	Model        string          `json:"model"`
	Consistency  string          `json:"consistency"`
	Anomaly      string          `json:"anomaly,omitempty"`
	AnomalyType  string          `json:"anomaly_type,omitempty"`
	Explanation  string          `json:"explanation"`
	Witness      history.History `json:"witness,omitempty"`
	AnomalyTypes []string        `json:"anomaly_types"`
	Forbidden    []string        `json:"forbidden"`
	Not          []string        `json:"not"`
	Violates     []string        `json:"violates"`
	Satisfies    []string        `json:"satisfies"`
	Transactions int             `json:"transactions"`
	Dependencies int             `json:"dependencies"`
	Anomalies    []anomalyJSON   `json:"anomalies"`
}

type anomalyJSON struct {
	Type        string         `json:"type"`
	Name        string         `json:"name"`
	Txns        []history.Op   `json:"txns"` // each transaction's record: its completion, else its invocation
	Steps       []stepJSON     `json:"steps,omitempty"`
	Key         any            `json:"key,omitempty"`
	Mop         *int           `json:"mop,omitempty"`
	Element     any            `json:"element,omitempty"`
	Expected    any            `json:"expected,omitempty"`
	Suffix      bool           `json:"expected_suffix,omitempty"`
	Values      []any          `json:"values,omitempty"`
	Value       any            `json:"value,omitempty"`
	Duplicates  map[string]int `json:"duplicates,omitempty"`
	Class       string         `json:"class,omitempty"`
	Size        int            `json:"size,omitempty"`
	Explanation string         `json:"explanation"`
}

type stepJSON struct {
	From    int    `json:"from"` // positions in the anomaly's txns
	To      int    `json:"to"`
	Type    string `json:"type"` // ww, wr, rw, process or realtime
	Key     any    `json:"key,omitempty"`
	Value   any    `json:"value,omitempty"`
	Value2  any    `json:"value2,omitempty"`
	Initial bool   `json:"initial,omitempty"`
	Process any    `json:"process,omitempty"`
	Text    string `json:"text"`
}

func txnResultJSON(res txn.Result) txnJSON {
	j := txnJSON{Model: res.Workload, Consistency: res.Consistency, Explanation: res.Explanation,
		AnomalyTypes: orEmpty(res.Types), Forbidden: orEmpty(res.Forbidden), Not: orEmpty(res.Not),
		Violates: orEmpty(res.Violates), Satisfies: orEmpty(res.Satisfies),
		Transactions: len(res.Txns), Dependencies: res.Dependencies, Anomalies: []anomalyJSON{}}
	switch res.Verdict {
	case txn.Valid:
		j.Verdict, j.Valid = res.Consistency, true
	case txn.Invalid:
		j.Verdict, j.Valid = "not-"+res.Consistency, false
	default:
		j.Verdict, j.Valid = "unknown", "unknown"
	}
	for _, a := range res.Anomalies {
		j.Anomalies = append(j.Anomalies, anomalyToJSON(res, a))
		if j.Anomaly == "" && res.Verdict == txn.Invalid && txn.Forbids(res.Consistency, a.Type) {
			j.Anomaly, j.AnomalyType = txn.PlainNameOf(a), a.Type
			j.Witness = witness(res, a)
		}
	}
	return j
}

func anomalyToJSON(res txn.Result, a txn.Anomaly) anomalyJSON {
	aj := anomalyJSON{Type: a.Type, Name: txn.PlainNameOf(a), Txns: []history.Op{}, Key: a.Key, Element: a.Element,
		Expected: a.Expected, Suffix: a.ExpectSuffix, Values: a.Values, Value: a.Value, Duplicates: a.Duplicates,
		Class: a.Class, Size: a.Size, Explanation: a.Explanation}
	if a.Mop >= 0 {
		aj.Mop = &a.Mop
	}
	pos := map[int]int{}
	for i, id := range a.Txns {
		pos[id] = i
		aj.Txns = append(aj.Txns, res.Txns[id].Record())
	}
	for _, s := range a.Steps {
		sj := stepJSON{From: pos[s.From], To: pos[s.To], Type: string(s.Rel), Key: s.Key, Value: s.Value, Value2: s.Value2, Initial: s.Initial, Text: s.Text}
		if s.Rel == txn.Process {
			sj.Process = s.Process
		}
		aj.Steps = append(aj.Steps, sj)
	}
	return aj
}

// witness is an anomaly's transactions as records, invocations and
// completions in history order.
func witness(res txn.Result, a txn.Anomaly) history.History {
	var w history.History
	for _, id := range a.Txns {
		w = append(w, res.Txns[id].Records()...)
	}
	slices.SortStableFunc(w, func(x, y history.Op) int { return int(x.Index - y.Index) })
	return w
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
