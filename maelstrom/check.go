package maelstrom

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// Verdict is a check's answer for the workloads that are not checked for
// linearizability; lin-kv's is the checker's (linearizable, ...).
type Verdict string

// The three verdicts of the eventually consistent and the hello workloads.
const (
	Valid   Verdict = "valid"
	Invalid Verdict = "invalid"
	Unknown Verdict = "unknown"
)

// Result is what a check of a run's history found.
type Result struct {
	Workload string
	Verdict  Verdict
	// Checked says, in a sentence, what the checker held the history to.
	Checked     string
	Anomaly     string // plain name of what went wrong ("" when valid)
	Explanation string // a paragraph, from the run's own values and nodes
	// Witness is the few operations that show it: invocations and
	// completions in history order.
	Witness history.History
	Ops     int // client operations checked
	// Lin is the linearizability checker's full result (lin-kv only).
	Lin *checker.Result
}

// Name is the verdict as --json and the exit status use it: lin-kv's is
// the checker's (linearizable, not-linearizable, unknown), the others'
// valid, invalid or unknown.
func (r Result) Name() string {
	if r.Lin != nil {
		return string(r.Lin.Verdict)
	}
	return string(r.Verdict)
}

// Check checks a run's history as its workload requires. finalFrom is the
// index of the first record of the final reads (-1: none). timeout bounds
// the linearizability search (lin-kv); 0 means the checker's default.
func Check(ctx context.Context, workload string, h history.History, finalFrom int, timeout time.Duration) (Result, error) {
	pairs, err := h.Pairs()
	if err != nil {
		return Result{}, err
	}
	res := Result{Workload: workload, Verdict: Valid, Ops: len(pairs)}
	switch workload {
	case "lin-kv":
		lin, err := checker.Check(ctx, h, checker.Options{Model: "kv", Timeout: timeout})
		if err != nil {
			return Result{}, err
		}
		res.Lin = &lin
		res.Checked = "linearizability, per key (the kv model)"
		res.Anomaly, res.Explanation, res.Witness = lin.Anomaly, lin.Explanation, lin.Witness
		switch lin.Verdict {
		case checker.NotLinearizable:
			res.Verdict = Invalid
		case checker.Unknown:
			res.Verdict = Unknown
		}
	case "echo":
		checkEcho(pairs, &res)
	case "unique-ids":
		checkIDs(pairs, &res)
	case "broadcast":
		checkBroadcast(pairs, finalFrom, &res)
	case "g-counter":
		checkCounter(pairs, finalFrom, &res)
	default:
		return Result{}, fmt.Errorf("workload %q: unknown (workloads: %s)", workload, strings.Join(Workloads, ", "))
	}
	return res, nil
}

// witnessOf lays out operations as history records, in history order.
func witnessOf(ps ...history.Pair) history.History {
	var out history.History
	seen := map[int]bool{}
	for _, p := range ps {
		if seen[p.InvokeAt] {
			continue
		}
		seen[p.InvokeAt] = true
		out = append(out, p.Invoke)
		if p.Completion != nil {
			out = append(out, *p.Completion)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

func invalid(res *Result, anomaly, explanation string, w ...history.Pair) {
	res.Verdict, res.Anomaly, res.Explanation, res.Witness = Invalid, anomaly, explanation, witnessOf(w...)
}

func ok(p history.Pair) bool { return p.Completion != nil && p.Completion.Type == history.OK }

func at(o history.Op) string { return sim.FormatDuration(o.Time) }

func checkEcho(pairs []history.Pair, res *Result) {
	res.Checked = "every echo_ok carries the echo it answers"
	for _, p := range pairs {
		if ok(p) && !sameValue(p.Invoke.Value, p.Completion.Value) {
			invalid(res, "wrong echo", fmt.Sprintf("Process %v asked %s to echo %s at %s and got back %s.",
				p.Invoke.Process, p.Invoke.Node, history.Format(p.Invoke.Value), at(p.Invoke), history.Format(p.Completion.Value)), p)
			return
		}
	}
}

func checkIDs(pairs []history.Pair, res *Result) {
	res.Checked = "every id generated is unique"
	seen := map[string]history.Pair{}
	for _, p := range pairs {
		if !ok(p) {
			continue
		}
		k := kvKey(p.Completion.Value)
		if first, dup := seen[k]; dup {
			invalid(res, "duplicate id", fmt.Sprintf("The id %s was generated twice: by %s for process %v at %s, and by %s for process %v at %s.",
				history.Format(p.Completion.Value), first.Invoke.Node, first.Invoke.Process, at(*first.Completion),
				p.Invoke.Node, p.Invoke.Process, at(*p.Completion)), first, p)
			return
		}
		seen[k] = p
	}
}

// checkBroadcast holds the history to Maelstrom's broadcast checker (a
// set-full check): a read returns only values that were broadcast, and
// each at most once; every value acknowledged, or seen by any read, is in
// every node's final read. Reads during the run may lag: broadcast is
// eventually consistent.
func checkBroadcast(pairs []history.Pair, finalFrom int, res *Result) {
	res.Checked = "every acknowledged broadcast reaches every node's final read; reads return only values broadcast, once"
	sent := map[string]history.Pair{}  // value → its broadcast
	known := map[string]history.Pair{} // value → the operation that showed it exists
	var finals []history.Pair
	for _, p := range pairs {
		switch {
		case p.Invoke.F == "broadcast":
			k := kvKey(p.Invoke.Value)
			sent[k] = p
			if ok(p) {
				known[k] = p
			}
		case p.Invoke.F == "read" && ok(p):
			xs, _ := p.Completion.Value.([]any)
			seen := map[string]bool{}
			for _, x := range xs {
				k := kvKey(x)
				b, wasSent := sent[k]
				if !wasSent || b.InvokeAt > p.CompletionAt {
					invalid(res, "read of a value never broadcast", fmt.Sprintf("%s's read at %s returned %s, which no client had broadcast.",
						p.Invoke.Node, at(*p.Completion), history.Format(x)), p)
					return
				}
				if seen[k] {
					invalid(res, "duplicated value", fmt.Sprintf("%s's read at %s returned %s more than once; a broadcast set holds each value once.",
						p.Invoke.Node, at(*p.Completion), history.Format(x)), p)
					return
				}
				seen[k] = true
				if _, ok := known[k]; !ok {
					known[k] = p
				}
			}
		}
		if p.Invoke.F == "read" && finalFrom >= 0 && p.InvokeAt >= finalFrom {
			finals = append(finals, p)
		}
	}
	checkFinalReads(finals, res, func(final history.Pair) bool {
		xs, _ := final.Completion.Value.([]any)
		have := map[string]bool{}
		for _, x := range xs {
			have[kvKey(x)] = true
		}
		keys := make([]string, 0, len(known))
		for k := range known {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return known[keys[i]].InvokeAt < known[keys[j]].InvokeAt })
		missing := 0
		var first string
		for _, k := range keys {
			if !have[k] {
				if missing == 0 {
					first = k
				}
				missing++
			}
		}
		if missing == 0 {
			return true
		}
		w := known[first]
		how := "was acknowledged"
		if w.Invoke.F == "read" {
			how = "was read by " + w.Invoke.Node
		}
		v := sent[first].Invoke.Value
		more := ""
		if missing > 1 {
			more = fmt.Sprintf(" It is one of %d values missing there.", missing)
		}
		invalid(res, "lost broadcast", fmt.Sprintf("The value %s %s at %s, but %s's final read at %s, after every fault was healed and the nodes had time to recover, does not have it.%s",
			history.Format(v), how, at(*w.Completion), final.Invoke.Node, at(*final.Completion), more), sent[first], w, final)
		return false
	})
}

// checkFinalReads runs test on every node's final read; a node without a
// completed one leaves the verdict unknown (unless another is invalid).
func checkFinalReads(finals []history.Pair, res *Result, test func(history.Pair) bool) {
	var silent []string
	done := map[string]bool{}
	for _, f := range finals {
		if !ok(f) {
			silent = append(silent, f.Invoke.Node)
			continue
		}
		done[f.Invoke.Node] = true
		if !test(f) {
			return
		}
	}
	if len(finals) == 0 {
		res.Verdict = Unknown
		res.Explanation = "There are no final reads to check (the run ended before them)."
		return
	}
	var missing []string
	for _, n := range silent {
		if !done[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		res.Verdict = Unknown
		res.Explanation = fmt.Sprintf("The final read on %s did not complete, so what that node ended with is unknown.", strings.Join(missing, ", "))
	}
}

// checkCounter holds the history to Maelstrom's g-counter checker: each
// final read is the sum of the acknowledged adds plus any of the adds
// whose outcome is unknown; and (faultline's addition) no read, final or
// not, counts more than every add invoked before it returned.
func checkCounter(pairs []history.Pair, finalFrom int, res *Result) {
	res.Checked = "every node's final read is the sum of the acknowledged adds, plus any of the unacknowledged ones; no read counts adds never made"
	var definite int64
	var maybe []int64
	var finals []history.Pair
	// Adds that may have happened, by invocation position, with running
	// totals: what a read may count is the total of those invoked before
	// it returned.
	var addAt []int
	var addTotal []int64
	for _, p := range pairs {
		if p.Invoke.F != "add" {
			continue
		}
		d, _ := history.Int(p.Invoke.Value)
		if p.Completion == nil || p.Completion.Type != history.Fail {
			prev := int64(0)
			if len(addTotal) > 0 {
				prev = addTotal[len(addTotal)-1]
			}
			addAt, addTotal = append(addAt, p.InvokeAt), append(addTotal, prev+d)
		}
		switch {
		case ok(p):
			definite += d
		case p.Completion == nil || p.Completion.Type == history.Info:
			maybe = append(maybe, d)
		}
	}
	for _, p := range pairs {
		if p.Invoke.F != "read" {
			continue
		}
		if finalFrom >= 0 && p.InvokeAt >= finalFrom {
			finals = append(finals, p)
		}
		if !ok(p) {
			continue
		}
		v, _ := history.Int(p.Completion.Value)
		var upper int64
		if k := sort.SearchInts(addAt, p.CompletionAt); k > 0 {
			upper = addTotal[k-1]
		}
		if v > upper || v < 0 {
			invalid(res, "read of adds never made", fmt.Sprintf("%s's read at %s returned %d, but the adds invoked before it returned total only %d.",
				p.Invoke.Node, at(*p.Completion), v, upper), p)
			return
		}
	}
	sums := subsetSums(maybe)
	checkFinalReads(finals, res, func(f history.Pair) bool {
		v, _ := history.Int(f.Completion.Value)
		extra := v - definite
		if extra >= 0 && extra < int64(len(sums)) && sums[extra] {
			return true
		}
		var maybeTotal int64
		for _, d := range maybe {
			maybeTotal += d
		}
		anomaly := "lost increment"
		if extra > 0 {
			anomaly = "read of adds never made"
		}
		invalid(res, anomaly, fmt.Sprintf("%s's final read at %s, after every fault was healed and the nodes had time to recover, returned %d. The acknowledged adds total %d, and the %d adds whose outcome is unknown could add 0 to %d more, in some combination — but not to make %d.",
			f.Invoke.Node, at(*f.Completion), v, definite, len(maybe), maybeTotal, v), f)
		return false
	})
}

// subsetSums marks which totals some subset of ds makes (ds are small,
// non-negative deltas).
func subsetSums(ds []int64) []bool {
	var total int64
	for _, d := range ds {
		if d > 0 {
			total += d
		}
	}
	sums := make([]bool, total+1)
	sums[0] = true
	reach := int64(0)
	for _, d := range ds {
		if d <= 0 {
			continue
		}
		for s := reach; s >= 0; s-- {
			if sums[s] {
				sums[s+d] = true
			}
		}
		reach += d
	}
	return sums
}

// FormatText renders a result for the terminal: the verdict, and for a
// failure the anomaly, the witness as a timeline and the explanation.
func FormatText(res Result) string {
	if res.Lin != nil {
		return checker.FormatText(*res.Lin)
	}
	var b strings.Builder
	switch res.Verdict {
	case Valid:
		fmt.Fprintf(&b, "valid (%s): %d operations checked: %s.\n", res.Workload, res.Ops, res.Checked)
		return b.String()
	case Unknown:
		fmt.Fprintf(&b, "unknown (%s): %s\n", res.Workload, res.Explanation)
		return b.String()
	}
	fmt.Fprintf(&b, "INVALID (%s): %s\nChecked: %s.\n\n", res.Workload, res.Anomaly, res.Checked)
	if len(res.Witness) > 0 {
		b.WriteString("Witness:\n\n")
		b.WriteString(checker.Timeline(res.Witness, nil))
		b.WriteString("\n")
	}
	b.WriteString(res.Explanation)
	b.WriteString("\n")
	return b.String()
}
