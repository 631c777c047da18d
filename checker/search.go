package checker

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anishathalye/porcupine"
)

// never is the return time of an operation that may take effect at any
// moment after its invocation: later than every record.
const never = int64(1) << 62

// searcher runs porcupine on sets of calls. Porcupine has no context, so
// the model's Step checks a flag that ctx's cancellation raises: every step
// then fails, the search unwinds quickly, and the result is discarded.
type searcher struct {
	m     *model
	init  any
	stop  atomic.Bool
	pm    porcupine.Model
	state any
}

func newSearcher(ctx context.Context, m *model, init any) (*searcher, func(), error) {
	st, err := m.initState(init)
	if err != nil {
		return nil, nil, err
	}
	s := &searcher{m: m, init: init, state: st}
	stopWatch := context.AfterFunc(ctx, func() { s.stop.Store(true) })
	if ctx.Err() != nil {
		s.stop.Store(true)
	}
	s.pm = porcupine.Model{
		Init: func() any { return s.state },
		Step: func(state, input, _ any) (bool, any) {
			if s.stop.Load() {
				return false, state
			}
			return m.step(state, input.(*call))
		},
		Equal: m.equal,
		Hash:  m.hash,
		DescribeOperation: func(input, _ any) string {
			return describeCall(input.(*call))
		},
		DescribeState: m.describeState,
	}
	return s, func() { stopWatch() }, nil
}

// stopped reports whether the search was cancelled or timed out.
func (s *searcher) stopped() bool { return s.stop.Load() }

// operations turns calls into porcupine operations, as the history looks
// when only its first cut records are known: operations invoked later are
// left out, and those not completed by then may take effect at any time
// after their invocation, or never. Failed operations are left out.
func operations(calls []*call, cut int) []porcupine.Operation {
	ops := make([]porcupine.Operation, 0, len(calls))
	for _, c := range calls {
		if c.invPos >= cut {
			continue
		}
		in := c
		ret := int64(c.compPos)
		if c.compPos < 0 || c.compPos >= cut {
			if c.status != statusUnknown {
				u := *c
				u.status = statusUnknown
				u.result = nil
				in = &u
			}
			ret = never
		} else if c.status == statusFailed {
			continue
		} else if c.status == statusUnknown {
			ret = never
		}
		if inert(in) {
			continue
		}
		ops = append(ops, porcupine.Operation{
			ClientId: int(c.proc),
			Input:    in,
			Call:     int64(c.invPos),
			Output:   nil,
			Return:   ret,
		})
	}
	return ops
}

// inert reports whether an operation neither changes the state nor
// constrains it: a read whose result is unknown, or a read of nil that
// constrains nothing. Leaving it out changes no verdict, and spares the
// search from placing it.
func inert(c *call) bool {
	switch c.op {
	case opRead:
		return c.status == statusUnknown || c.status == statusOK && c.result == nil && c.nilAny
	case opTxn:
		if c.status != statusUnknown {
			return false
		}
		for _, m := range c.arg.([]microOp) {
			if m.write {
				return false
			}
		}
		return true
	}
	return false
}

// verdict is one search's outcome.
type verdict uint8

const (
	vOK verdict = iota
	vIllegal
	vUnknown
)

// operations is the search's input: operations(calls, cut), pruned by the
// model.
func (s *searcher) operations(calls []*call, cut int) []porcupine.Operation {
	ops := operations(calls, cut)
	if s.m.prune != nil {
		ops = s.m.prune(ops, s.init)
	}
	return ops
}

// check runs one search over calls as of cut records.
func (s *searcher) check(calls []*call, cut int) verdict {
	ops := s.operations(calls, cut)
	if len(ops) == 0 {
		return vOK
	}
	res := porcupine.CheckOperations(s.pm, ops)
	switch {
	case s.stopped():
		return vUnknown
	case res:
		return vOK
	}
	return vIllegal
}

// checkPartitions checks every partition in parallel, reporting each
// result through done from the calling goroutine. Once one fails, the
// others get grace to finish before they are stopped.
func (s *searcher) checkPartitions(parts [][]*call, cut int, grace time.Duration, done func(i int, v verdict)) {
	type result struct {
		i int
		v verdict
	}
	results := make(chan result, len(parts))
	work := make(chan int)
	workers := min(runtime.GOMAXPROCS(0), len(parts))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				results <- result{i, s.check(parts[i], cut)}
			}
		}()
	}
	go func() {
		for i := range parts {
			work <- i
		}
		close(work)
		wg.Wait()
		close(results)
	}()
	var stopAt <-chan time.Time
	for {
		select {
		case r, ok := <-results:
			if !ok {
				return
			}
			done(r.i, r.v)
			if r.v == vIllegal && stopAt == nil {
				// The verdict is known: stop the others, as porcupine does,
				// after the grace.
				stopAt = time.After(grace)
			}
		case <-stopAt:
			s.stop.Store(true)
			stopAt = nil
		}
	}
}

// graceAfterFailure is how long the other partitions may run once one
// has failed, so that the earliest failure is usually found (the witness
// comes from it) even when the failures finish in another order.
const graceAfterFailure = 200 * time.Millisecond
