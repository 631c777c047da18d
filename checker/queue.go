package checker

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
)

// The queue: enqueue x → x, dequeue → x (fail when empty), drain → [x ...].
// The state is the queue's contents, first in first out; a drain returns
// them all, in order, and empties the queue.

type queueState struct {
	elems []any // immutable
	hash  uint64
}

func newQueueState(elems []any) *queueState {
	q := &queueState{elems: elems, hash: 0x71}
	for _, e := range elems {
		q.hash = mix(q.hash ^ valueHash(e))
	}
	return q
}

func (q *queueState) equal(r *queueState) bool {
	return q.hash == r.hash && valueEqual(q.elems, r.elems)
}

func init() {
	register(&model{
		name:      "queue",
		doc:       "a FIFO queue: enqueue x → x, dequeue → x (fail when empty), drain → [x ...] (everything left, in order)",
		ops:       map[string]opcode{"enqueue": opEnqueue, "dequeue": opDequeue, "drain": opDrain},
		parse:     parseQueue,
		initState: listInit(func(xs []any) any { return newQueueState(append([]any(nil), xs...)) }),
		step:      queueStep,
		equal:     func(a, b any) bool { return a.(*queueState).equal(b.(*queueState)) },
		hash:      func(s any) uint64 { return s.(*queueState).hash },
		describeState: func(s any) string {
			return history.Format(s.(*queueState).elems)
		},
		writes: func(c *call) []string {
			if c.op == opEnqueue {
				return []string{token(c.arg)}
			}
			return nil
		},
		observes: queueObserves,
		elements: func(c *call) []string {
			if c.op == opEnqueue {
				return []string{token(c.arg)}
			}
			return queueObserves(c, nil)
		},
		project: projectList(opEnqueue, opDrain),
		prune:   pruneQueue,
	})
}

func queueObserves(c *call, _ any) []string {
	if c.op == opDequeue && c.status == statusOK && c.result != nil {
		return []string{token(c.result)}
	}
	return readTokens(c, opDrain)
}

func parseQueue(c *call, _ any) error {
	switch c.op {
	case opEnqueue:
		c.arg = valueOf(c)
	case opDrain:
		if c.status == statusOK && c.result != nil {
			if _, ok := c.result.([]any); !ok {
				return fmt.Errorf("field \"value\": a drain returns a list; got %s", history.Format(c.result))
			}
		}
	}
	return nil
}

func queueStep(st any, c *call) (bool, any) {
	q := st.(*queueState)
	switch c.op {
	case opEnqueue:
		elems := make([]any, len(q.elems)+1)
		copy(elems, q.elems)
		elems[len(q.elems)] = c.arg
		return true, newQueueState(elems)
	case opDequeue:
		if c.status != statusOK {
			if len(q.elems) == 0 {
				return true, st
			}
			return true, newQueueState(q.elems[1:])
		}
		if c.result == nil { // an ok dequeue of nothing: the queue was empty
			return len(q.elems) == 0, st
		}
		if len(q.elems) == 0 || !valueEqual(q.elems[0], c.result) {
			return false, st
		}
		return true, newQueueState(q.elems[1:])
	case opDrain:
		if c.status == statusOK && c.result != nil && !valueEqual(q.elems, c.result) {
			return false, st
		}
		return true, newQueueState(nil)
	}
	return false, st
}
