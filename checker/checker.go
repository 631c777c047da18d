// Package checker decides whether a history is linearizable for a model,
// and, when it is not, explains why: the operation that could not be
// linearized, the longest linearizable prefix, a minimal witness, the
// anomaly's plain name and a paragraph built from the witness.
//
// The search is porcupine's (github.com/anishathalye/porcupine). The
// semantics are Jepsen's and Knossos's: a fail completion means the
// operation did not happen; an info completion, or none, means it may have
// happened at any moment after its invocation, or never (porcupine has no
// such notion: such an operation is given a return time after every
// record, and a result that matches any state — or, where that provably
// changes no verdict, dropped or given an earlier return: see prune.go);
// nemesis records are not client operations. Two refinements:
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
// The witness is the failing prefix (up to the completion that first makes
// the history non-linearizable) shrunk by ddmin. Dropping an operation
// drops with it the operations that could then only have observed a value
// nobody wrote (the read of 1 with the only write of 1; a failed compare
// with the only write of another value; a counter read with the adds its
// total needs): otherwise every stale read would shrink to a lone "read of
// a value never written". A compare-and-set observes the value it expects,
// and for registers only the latest writes of a value before an observer
// count as what it saw (sources.go), so that a witness cannot keep an old
// write of 4 in place of the compare-and-set that put 4 back. The search
// first keeps the failure anchored on
// the operation that tipped the history, then drops what else it can, so
// that removing any one operation of the witness (with the operations that
// depended on it) makes it linearizable.
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
	Unknown         Verdict = "unknown" // timed out or cancelled
)

// DefaultTimeout bounds a check when Options.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Options configure a check.
type Options struct {
	// Model is one of Models(); "" means "register".
	Model string
	// Init is the initial value; nil means nothing written yet (Jepsen's
	// default). For multi-register: a map of register to value, or one
	// value for every register. For set and queue: a list of elements.
	//
	// A completed read of nil means "nothing written yet" when Init is
	// nil, and constrains nothing when Init is not nil (Knossos's rule for
	// its example histories, whose registers start at 0).
	Init any
	// Timeout bounds the search for the verdict, and separately the search
	// for a minimal witness; 0 means DefaultTimeout.
	Timeout time.Duration
	// Progress, when set, is called from the checking goroutine as work
	// completes: done of total steps (partitions checked, then the witness).
	Progress func(done, total int)
	// VerdictOnly skips the prefix, witness and explanation.
	VerdictOnly bool
}

// Result is a check's outcome.
type Result struct {
	Verdict Verdict
	Model   string
	// Anomaly is the plain name of what went wrong: "stale read", "lost
	// write", "read of a value never written", ... ("" unless the verdict
	// is not-linearizable).
	Anomaly string
	// Explanation is a paragraph built from the witness.
	Explanation string
	// Witness is a minimal sub-history that is still not linearizable:
	// invocations and completions, in history order (an operation still in
	// flight when the failing prefix ends has no completion; for set, queue
	// and multi-register the values may keep only a few elements, which
	// the explanation names). Removing any one of its operations (with the
	// operations that could then only have observed a value nobody wrote —
	// for registers, an observer goes with the latest writes of its value
	// before it) makes it linearizable.
	Witness history.History
	// Failing is the invocation of the operation whose completion first
	// made the history non-linearizable.
	Failing *history.Op
	// Prefix is the length, in records, of the longest linearizable
	// prefix: the whole history when it is linearizable, 0 when unknown.
	// For a partitioned model it is taken over the partitions found
	// failing — all of them, unless some were still running when the
	// grace after the first failure ran out.
	Prefix int
	// Ops is the number of client operations checked.
	Ops int
	// Partitions is the number of parts checked separately (keys for kv).
	Partitions int
	// Key is the partition the witness comes from (kv).
	Key string
	// WitnessMinimal is false when the witness search ran out of time.
	WitnessMinimal bool
}

// Check decides whether h is linearizable under opts.Model. Cancelling ctx
// makes it return promptly with Verdict Unknown. The error is for bad
// input only: an unknown model, a completion without an invocation, a value
// the model cannot take.
func Check(ctx context.Context, h history.History, opts Options) (Result, error) {
	m, err := lookupModel(opts.Model)
	if err != nil {
		return Result{}, err
	}
	init, err := history.Normalize(opts.Init)
	if err != nil {
		return Result{}, fmt.Errorf("initial value: %w", err)
	}
	p, err := prepare(h, m, init)
	if err != nil {
		return Result{}, err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	res := Result{Model: m.name, Ops: len(p.calls), Partitions: len(p.partitions), Prefix: len(h)}

	vctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s, release, err := newSearcher(vctx, m, init)
	if err != nil {
		return Result{}, err
	}
	defer release()

	total := len(p.partitions) + 1
	if opts.VerdictOnly {
		total--
	}
	progress := func(done int) {
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	verdicts := make([]verdict, len(p.partitions))
	done := 0
	grace := graceAfterFailure
	if opts.VerdictOnly {
		grace = 0
	}
	s.checkPartitions(p.partitions, len(h), grace, func(i int, v verdict) {
		verdicts[i] = v
		done++
		progress(done)
	})
	var failing []int
	unknown := false
	for i, v := range verdicts {
		switch v {
		case vIllegal:
			failing = append(failing, i)
		case vUnknown:
			unknown = true
		}
	}
	switch {
	case ctx.Err() != nil, len(failing) == 0 && unknown:
		res.Verdict, res.Prefix = Unknown, 0
		return res, nil
	case len(failing) == 0:
		res.Verdict = Linearizable
		return res, nil
	}
	res.Verdict = NotLinearizable
	if opts.VerdictOnly {
		return res, nil
	}
	if err := explain(ctx, p, failing, timeout, &res); err != nil {
		return Result{}, err
	}
	if ctx.Err() != nil {
		return Result{Verdict: Unknown, Model: res.Model, Ops: res.Ops, Partitions: res.Partitions}, nil
	}
	progress(total)
	return res, nil
}
