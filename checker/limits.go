package checker

import (
	"context"
	"fmt"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// Limits: one check is bounded three ways, and says which bound stopped it.
//
//   - The caller's context and Options.Timeout give one deadline for the
//     whole check: pruning, verdict, witness and explanation share it (and
//     so does the HTML page, given the same context).
//   - Options.MaxMemory caps the heap the search may grow: porcupine's
//     cache grows with every state it meets, about 150 MB a second on a
//     hard history.
//   - The witness search is budgeted in model steps (Options.WitnessSteps),
//     not in time, so that the same history gives the same witness on a
//     fast machine and a slow one.
//
// The time and memory bounds are the machine's: when one stops the
// verdict search, the verdict is unknown, and Result.Reason says which.

// stopReason is why a search was stopped.
type stopReason uint32

const (
	running stopReason = iota
	stopCancelled
	stopDeadline
	stopMemory
	stopSteps
)

// Defaults for Options' zero values.
const (
	// DefaultTimeout bounds a check when Options.Timeout is zero and the
	// context has no deadline.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxMemory caps the live heap a check's searches may add: with
	// the garbage the collector lets grow beside it, the process stays
	// under about a gigabyte.
	DefaultMaxMemory = 384 << 20
	// DefaultWitnessSteps budgets the witness search, in model steps
	// (about a second's work on a laptop).
	DefaultWitnessSteps = 4_000_000
)

// limits are one check's bounds, shared by every search it runs.
type limits struct {
	ctx      context.Context
	deadline time.Time // zero: none
	stop     atomic.Uint32
	maxMem   uint64
	timeout  time.Duration // as given, for messages
	release  func()
}

// newLimits derives the check's bounds from ctx and opts. release must be
// called when the check ends.
func newLimits(ctx context.Context, opts Options) *limits {
	timeout := opts.Timeout
	if _, has := ctx.Deadline(); !has && timeout <= 0 {
		timeout = DefaultTimeout
	}
	cancel := func() {}
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	l := &limits{ctx: ctx, timeout: timeout, maxMem: DefaultMaxMemory}
	if opts.MaxMemory > 0 {
		l.maxMem = uint64(opts.MaxMemory)
	}
	if d, ok := ctx.Deadline(); ok {
		l.deadline = d
	}
	stopWatch := context.AfterFunc(ctx, func() { l.halt(l.ctxReason()) })
	if ctx.Err() != nil {
		l.halt(l.ctxReason())
	}
	stopMem := l.watchMemory()
	l.release = func() {
		stopMem()
		stopWatch()
		cancel()
	}
	return l
}

func (l *limits) ctxReason() stopReason {
	if l.ctx.Err() == context.DeadlineExceeded {
		return stopDeadline
	}
	return stopCancelled
}

// halt stops every search of the check; the first reason sticks.
func (l *limits) halt(r stopReason) { l.stop.CompareAndSwap(uint32(running), uint32(r)) }

// stopped is why the check was stopped, or running. It is a plain load,
// cheap enough for the search's inner loops; a cancel reaches it through
// context.AfterFunc's goroutine, so a little later.
func (l *limits) stopped() stopReason { return stopReason(l.stop.Load()) }

// settled is stopped for a verdict: a context already done counts even if
// its AfterFunc has not run yet, so a cancel made before the verdict is
// decided always gives unknown (the race once let a cancelled check pass).
func (l *limits) settled() stopReason {
	if l.ctx.Err() != nil {
		l.halt(l.ctxReason())
	}
	return l.stopped()
}

// remaining is the time porcupine may take: 0 means no limit, and a
// passed deadline a token positive duration (porcupine reads 0 as none).
func (l *limits) remaining() time.Duration {
	if l.deadline.IsZero() {
		return 0
	}
	return max(time.Until(l.deadline), time.Nanosecond)
}

// memSample is the metric the memory cap reads: the live heap as the last
// garbage collection marked it, which is what a search's cache makes grow
// (garbage, which the collector frees, does not count). The collector runs
// each time the heap doubles, so the process's memory stays within about
// twice the cap.
const memSample = "/gc/heap/live:bytes"

// watchMemory halts the check when the live heap grows by more than the
// cap since the check began. It samples every few milliseconds.
func (l *limits) watchMemory() func() {
	sample := []metrics.Sample{{Name: memSample}}
	read := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return sample[0].Value.Uint64()
	}
	base := read()
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if now := read(); now > base && now-base > l.maxMem {
					l.halt(stopMemory)
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// reason says, for a person, why the check stopped.
func (l *limits) reason(r stopReason, phase string) string {
	switch r {
	case stopDeadline:
		if l.timeout > 0 {
			// Rounded: a command passes what is left of its own
			// --timeout (999.6ms of 1s), and the reader knows the 1s.
			shown := l.timeout.Round(100 * time.Millisecond)
			if l.timeout < time.Second {
				shown = l.timeout.Round(time.Millisecond)
			}
			return fmt.Sprintf("the time limit (%v) ran out during the %s", shown, phase)
		}
		return "the deadline passed during the " + phase
	case stopMemory:
		return fmt.Sprintf("the %s reached its memory limit (%d MB)", phase, l.maxMem>>20)
	case stopSteps:
		return "the " + phase + " used up its step budget"
	case stopCancelled:
		return "the check was cancelled during the " + phase
	}
	return ""
}
