// Package checker decides whether a history is linearizable for a model,
// and, when it is not, explains why: the longest linearizable prefix, a
// minimal witness and its failing operation, the anomaly's plain name, a
// paragraph built from the witness, the witness grouped for a learner, and
// the faults in force during it.
//
// The search is porcupine's (github.com/anishathalye/porcupine). The
// semantics are Jepsen's and Knossos's: a fail completion means the
// operation did not happen; an info completion, or none, means it may have
// happened at any moment after its invocation, or never (porcupine has no
// such notion: such an operation is given a return time after every
// record, and a result that matches any state — or, where that provably
// changes no verdict, dropped or given an earlier return: see prune.go;
// where it would change nothing, it may not take effect before an end
// marker: see search.go); nemesis records are not client operations. Two
// refinements:
//
//   - A completed read of nil means "nothing written yet" when the initial
//     value (Options.Init) is nil, as in faultline's own histories and
//     porcupine's etcd logs; when the initial value is not nil (Knossos's
//     registers start at 0) a read of nil constrains nothing, as Knossos
//     reads it.
//   - A failed compare-and-set whose Error is history.ErrorMismatch ("the
//     compare did not match", as the etcd logs and faultline's toy
//     databases report it) is an observation: the register did not hold
//     the expected value at some moment of the operation.
//
// Some histories need no search: counters whose adds all add one amount,
// and sets, are decided exactly in near-linear time (counter.go, set.go),
// as Jepsen's counter and set-full checkers read their bounds; a counter
// read outside its bounds gives its witness at once. Counters whose adds
// differ are decided by a sweep over time that counts timed-out adds per
// amount instead of searching their subsets (counter_sweep.go).
//
// Limits (limits.go): one deadline, from the context and Options.Timeout,
// bounds the whole check; the search may grow the live heap by at most
// Options.MaxMemory; either stops it with an unknown verdict that says
// why. The witness search is budgeted in model steps instead, so the same
// history gives the same witness on every machine; when a limit of the
// machine stops it first, the result names no anomaly and states only what
// was proved.
//
// The witness is the failing prefix (up to the completion that first makes
// the history non-linearizable) shrunk: onto as few elements as still fail,
// to a window of calls near the failing one, then by ddmin. Dropping an
// operation drops with it the operations that could then only have
// observed a value nobody wrote (the read of 1 with the only write of 1; a
// failed compare with the only write of another value; a counter read with
// the adds its total needs): otherwise every stale read would shrink to a
// lone "read of a value never written". A compare-and-set observes the
// value it expects, and for registers only the latest writes of a value
// before an observer count as what it saw (sources.go), so that a witness
// cannot keep an old write of 4 in place of the compare-and-set that put 4
// back. The search first keeps the failure anchored on the operation that
// tipped the history, then drops what else it can, so that removing any
// one operation of the witness (with the operations that depended on it)
// makes it linearizable.
//
// Each model lives in its own file with its hooks (model.go): parsing, the
// step, pruning, an exact decision, the witness rules, the explanation and
// the grouping. Nothing else switches on a model's name.
package checker

import (
	"context"
	"fmt"
	"time"

	"github.com/faultline-lab/faultline/history"
)

// Verdict is a check's answer.
type Verdict string

// The three verdicts.
const (
	Linearizable    Verdict = "linearizable"
	NotLinearizable Verdict = "not-linearizable"
	Unknown         Verdict = "unknown" // stopped by a limit, or cancelled
)

// Options configure a check.
type Options struct {
	// Model is the consistency model; "" means ModelRegister.
	Model Model
	// Init is the initial value; nil means nothing written yet (Jepsen's
	// default). For multi-register: a map of register to value, or one
	// value for every register. For set and queue: a list of elements.
	//
	// A completed read of nil means "nothing written yet" when Init is
	// nil, and constrains nothing when Init is not nil (Knossos's rule for
	// its example histories, whose registers start at 0).
	Init any
	// Timeout bounds the whole check — pruning, verdict, witness and
	// explanation share it — together with the context's deadline. 0
	// means the context's deadline alone, or DefaultTimeout when it has
	// none.
	Timeout time.Duration
	// MaxMemory caps, in bytes, how much the searches may grow the heap;
	// 0 means DefaultMaxMemory. Reaching it makes the verdict unknown.
	MaxMemory int64
	// WitnessSteps budgets the witness search in model steps; 0 means
	// DefaultWitnessSteps. The budget, unlike time, is the same on every
	// machine: so is the witness.
	WitnessSteps int64
	// Progress, when set, is called from the checking goroutine as work
	// completes: done of total steps (partitions checked, then the witness).
	Progress func(done, total int)
	// VerdictOnly skips the prefix, witness and explanation.
	VerdictOnly bool
}

// Result is a check's outcome.
type Result struct {
	Verdict Verdict
	Model   Model
	// Anomaly is the plain name of what the witness shows: "stale read",
	// "lost write", "read of a value never written", ... ("" unless the
	// verdict is not-linearizable).
	Anomaly string
	// Explanation is a paragraph built from the witness; a fact taken from
	// the rest of the history says so.
	Explanation string
	// Summary is the witness grouped for a learner, one line a group ("99
	// adds of 1, all acknowledged before the read began"), when it is long
	// enough to need it (counters, sets, queues); nil otherwise. The
	// Witness keeps every operation.
	Summary []string
	// Witness is a minimal sub-history that is still not linearizable:
	// invocations and completions, in history order (an operation still in
	// flight when the failing prefix ends has no completion; for set, queue
	// and multi-register the values may keep only a few elements, which
	// the explanation names). Removing any one of its operations (with the
	// operations that could then only have observed a value nobody wrote —
	// for registers, an observer goes with the latest writes of its value
	// before it) makes it linearizable.
	Witness history.History
	// Failing is the invocation of the witness's failing operation: the
	// one whose completion first made the history non-linearizable (or,
	// when the witness search stopped before that was known, the
	// witness's last operation to complete).
	Failing *history.Op
	// Prefix is the length, in records, of the longest linearizable
	// prefix: the whole history when it is linearizable, -1 when it was
	// not determined (the verdict is unknown, or the witness search
	// stopped first). For a partitioned model it is taken over the
	// partitions found failing.
	Prefix int
	// Tip is the record at position Prefix: the completion that, added to
	// the linearizable prefix, makes it non-linearizable (nil when Prefix
	// is not determined or the whole history is linearizable). It is
	// usually the completion of Failing.
	Tip *history.Op
	// Ops is the number of client operations checked.
	Ops int
	// Partitions is the number of parts checked separately (keys for kv).
	Partitions int
	// Key is the partition the witness comes from (kv).
	Key string
	// WitnessMinimal is false when the witness search stopped before the
	// witness was minimal; Reason says why.
	WitnessMinimal bool
	// Reason says what stopped the check: why the verdict is unknown, or
	// why the witness is not minimal ("" when nothing did).
	Reason string
	// Faults are the faults (nemesis intervals) in force at some moment of
	// the witness's operations, from invocation to completion.
	Faults []Fault
	// Shown are the elements a projected witness keeps (set, queue), as
	// the explanation names them ("Only element 21 is shown"): its reads
	// and drains show only these (ProjectedWords says which they held).
	// nil when the witness keeps whole values.
	Shown []string
}

// Check decides whether h is linearizable under opts.Model. Cancelling ctx
// makes it return promptly with Verdict Unknown; its deadline, with
// opts.Timeout, bounds the whole check. The error is for bad input only:
// an unknown model, a completion without an invocation, a value the model
// cannot take.
func Check(ctx context.Context, h history.History, opts Options) (Result, error) {
	m, err := lookupModel(opts.Model)
	if err != nil {
		return Result{}, err
	}
	init, err := history.Normalize(opts.Init)
	if err != nil {
		return Result{}, fmt.Errorf("initial value: %w", err)
	}
	lim := newLimits(ctx, opts) // the deadline counts from here
	defer lim.release()
	// Reading the operations is linear, and must finish: bad input is an
	// error whatever the time.
	p, err := prepare(h, m, init)
	if err != nil {
		return Result{}, err
	}
	res := Result{Model: m.name, Ops: len(p.calls), Partitions: len(p.partitions), Prefix: -1}
	if stop := lim.settled(); stop != running {
		return unknownResult(res, lim.reason(stop, "reading of the operations")), nil
	}
	s, err := newSearcher(m, init, lim)
	if err != nil {
		return Result{}, err
	}

	total := len(p.partitions) + 1
	if opts.VerdictOnly {
		total--
	}
	progress := func(done int) {
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	outcomes := make([]outcome, len(p.partitions))
	done := 0
	grace := graceAfterFailure
	if opts.VerdictOnly {
		grace = 0
	}
	s.checkPartitions(p.partitions, len(h), grace, func(i int, o outcome) {
		outcomes[i] = o
		done++
		progress(done)
	})
	var failing []int
	unknown := false
	for i, o := range outcomes {
		switch o.v {
		case vIllegal:
			failing = append(failing, i)
		case vUnknown:
			unknown = true
		}
	}
	switch stop := lim.settled(); {
	case stop == stopCancelled, len(failing) == 0 && unknown:
		return unknownResult(res, lim.reason(stop, "verdict search")), nil
	case len(failing) == 0:
		res.Verdict, res.Prefix = Linearizable, len(h)
		return res, nil
	}
	res.Verdict = NotLinearizable
	if opts.VerdictOnly {
		return res, nil
	}
	if err := explain(p, outcomes, failing, lim, opts, &res); err != nil {
		return Result{}, err
	}
	if lim.settled() == stopCancelled {
		return unknownResult(res, lim.reason(stopCancelled, "witness search")), nil
	}
	progress(total)
	return res, nil
}

// unknownResult keeps only what a stopped check proved: how many
// operations and parts it read, and why it stopped.
func unknownResult(res Result, reason string) Result {
	if reason == "" {
		reason = "the search stopped"
	}
	return Result{Verdict: Unknown, Model: res.Model, Ops: res.Ops, Partitions: res.Partitions, Prefix: -1, Reason: reason}
}
