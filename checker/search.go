package checker

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anishathalye/porcupine"
)

// never is the return time of an operation that may take effect at any
// moment after its invocation: later than every record.
const never = int64(1) << 62

// searcher runs porcupine (or the model's exact decision, where it has
// one) on sets of calls, within the check's limits and, for the witness
// search, a step budget. Porcupine takes no context: its timeout is set
// from the deadline, and a cancel or the memory cap makes every model step
// fail, so the search unwinds quickly; its answer is then discarded.
type searcher struct {
	m     *model
	init  any
	state any // the initial state
	lim   *limits
	// budget, when set, bounds the searches in model steps, in total:
	// the witness search runs them one after another.
	budget *stepBudget
	// quit stops the searches still running once the verdict is known.
	quit atomic.Bool
}

// stepBudget is a deterministic bound on work: model steps (and, for an
// exact decision, the operations it reads).
type stepBudget struct {
	left, total int64
	exhausted   bool
}

// spent is how many steps the searches have taken from the budget (0
// when there is none).
func (s *searcher) spent() int64 {
	if s.budget == nil {
		return 0
	}
	return s.budget.total - s.budget.left
}

func (b *stepBudget) spend(n int64) bool {
	if b == nil {
		return true
	}
	if b.exhausted || n > b.left {
		b.left, b.exhausted = 0, true
		return false
	}
	b.left -= n
	return true
}

func newSearcher(m *model, init any, lim *limits) (*searcher, error) {
	st, err := m.initState(init)
	if err != nil {
		return nil, err
	}
	return &searcher{m: m, init: init, state: st, lim: lim}, nil
}

// stopped reports whether the searches were stopped by the check's limits
// or the step budget: their answers say nothing.
func (s *searcher) stopped() bool {
	return s.lim.stopped() != running || s.budget != nil && s.budget.exhausted
}

// reason is why the searches stopped.
func (s *searcher) reason() stopReason {
	if r := s.lim.stopped(); r != running {
		return r
	}
	if s.budget != nil && s.budget.exhausted {
		return stopSteps
	}
	return running
}

// ended is the state after the end marker (see withEnd).
type ended struct{}

// endCall marks the end of the completed operations.
var endCall = &call{id: -1, status: statusOK}

// porcupineModel wraps the model for one search. When guarded, the
// check's limits stop it, steps counts the model steps it takes, and
// limit (0: none) bounds them; unguarded, it is the model alone (for
// porcupine's visualisation, which replays a finished search and must not
// see a step fail). With the end marker, an operation of unknown outcome
// may not take effect as a no-op before the end: see withEnd.
func (s *searcher) porcupineModel(steps *int64, limit int64, guarded bool) porcupine.Model {
	m := s.m
	equal, hash := m.equal, m.hash
	return porcupine.Model{
		Init: func() any { return s.state },
		Step: func(state, input, _ any) (bool, any) {
			if guarded {
				if s.lim.stopped() != running || s.quit.Load() {
					return false, state
				}
				// Atomic: porcupine checks partitions in parallel with
				// one model (the HTML page's search shares steps).
				if n := atomic.AddInt64(steps, 1); limit > 0 && n > limit {
					return false, state
				}
			}
			c := input.(*call)
			if c == endCall {
				return true, ended{}
			}
			if _, over := state.(ended); over {
				return true, state
			}
			if c.status == statusUnknown && m.noop != nil && m.noop(state, c) {
				return false, state
			}
			return m.step(state, c)
		},
		Equal: func(a, b any) bool {
			_, ea := a.(ended)
			_, eb := b.(ended)
			if ea || eb {
				return ea && eb
			}
			return equal(a, b)
		},
		Hash: func(st any) uint64 {
			if _, over := st.(ended); over {
				return 0x5eed
			}
			if hash == nil {
				return 0
			}
			return hash(st)
		},
		DescribeOperation: func(input, _ any) string {
			if input == endCall {
				return "end of the completed operations"
			}
			return describeCall(input.(*call))
		},
		DescribeState: func(st any) string {
			if _, over := st.(ended); over {
				return "(after the end)"
			}
			return m.describeState(st)
		},
	}
}

// withEnd adds the end marker when some operation's outcome is unknown.
// Such an operation may take effect at any moment after its invocation,
// or never; porcupine must place it somewhere, and tries every place,
// although where it would change nothing (a compare-and-set whose compare
// misses, a dequeue of an empty queue) every place is the same as never.
// The marker comes after every completion; before it, such a no-op is
// refused, and after it every operation is accepted and nothing is
// observed. A linearization that placed a no-op earlier moves it past the
// marker unchanged, so the verdict is the same, and the search is spared
// the choice.
func withEnd(ops []porcupine.Operation) []porcupine.Operation {
	last := int64(-1)
	open := false
	for _, o := range ops {
		if o.Return == never {
			open = true
		} else {
			last = max(last, o.Return)
		}
	}
	if !open {
		return ops
	}
	return append(ops, porcupine.Operation{ClientId: -1, Input: endCall, Call: last + 1, Return: never})
}

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

// check runs one search over calls as of cut records, within the step
// budget when there is one.
func (s *searcher) check(calls []*call, cut int) verdict {
	limit := int64(0)
	if s.budget != nil {
		if s.budget.exhausted {
			return vUnknown
		}
		limit = s.budget.left
	}
	v, steps := s.run(calls, cut, limit)
	if s.budget != nil && !s.budget.spend(steps) {
		return vUnknown
	}
	return v
}

// run runs one search over calls as of cut records, stopping after limit
// model steps (0: no limit), and reports how many it took. The search is
// deterministic: given the same calls, it takes the same steps, on any
// machine. A decision counts the operations it reads.
func (s *searcher) run(calls []*call, cut int, limit int64) (verdict, int64) {
	if s.lim.stopped() != running || s.quit.Load() {
		return vUnknown, 0
	}
	ops := s.operations(calls, cut)
	if len(ops) == 0 {
		return vOK, 0
	}
	if s.m.decide != nil {
		n := int64(len(ops))
		if limit > 0 && n > limit {
			return vUnknown, n
		}
		if ok, accepted := s.m.decide(ops, s.init); accepted {
			if ok {
				return vOK, n
			}
			return vIllegal, n
		}
	}
	if v, steps, used := s.segmented(ops, limit); used {
		return v, steps
	}
	var steps int64
	v := s.porcupine(ops, s.state, &steps, limit)
	return v, atomic.LoadInt64(&steps)
}

// porcupine runs porcupine once on ops from state start, adding the model
// steps it takes to steps, and reads its answer against the limits.
func (s *searcher) porcupine(ops []porcupine.Operation, start any, steps *int64, limit int64) verdict {
	pm := s.porcupineModel(steps, limit, true)
	pm.Init = func() any { return start }
	res := porcupine.CheckOperationsTimeout(symmetric(pm, s.m, ops), withEnd(ops), s.lim.remaining())
	switch {
	case limit > 0 && atomic.LoadInt64(steps) > limit:
		return vUnknown
	case res == porcupine.Unknown:
		s.lim.halt(stopDeadline)
		return vUnknown
	case s.lim.stopped() != running, s.quit.Load():
		return vUnknown
	case res == porcupine.Ok:
		return vOK
	}
	return vIllegal
}

// outcome is one part's verdict search: its verdict, the model steps it
// took, and whether it finished (a search stopped once another part
// failed did not).
type outcome struct {
	v        verdict
	steps    int64
	finished bool
}

// checkPartitions checks every partition in parallel, reporting each
// outcome through done from the calling goroutine. Once one fails, the
// others get grace to finish before they are stopped (none, when
// grace is 0).
func (s *searcher) checkPartitions(parts [][]*call, cut int, grace time.Duration, done func(i int, o outcome)) {
	type result struct {
		i int
		o outcome
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
				v, steps := s.run(parts[i], cut, 0)
				results <- result{i, outcome{v: v, steps: steps, finished: v != vUnknown}}
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
			done(r.i, r.o)
			if r.o.v == vIllegal && stopAt == nil {
				stopAt = time.After(grace)
			}
		case <-stopAt:
			// The verdict is known: stop the others, as porcupine does.
			s.quit.Store(true)
			stopAt = nil
		}
	}
}

// graceAfterFailure is how long the other partitions may run once one
// has failed: the witness search reuses what they found (see explain).
const graceAfterFailure = 200 * time.Millisecond
