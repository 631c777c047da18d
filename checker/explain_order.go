package checker

import (
	"context"
	"fmt"

	"github.com/anishathalye/porcupine"

	"github.com/faultline-lab/faultline/history"
)

// OrderStep is one operation of a linearization: the operation as the
// checker read it, and the model's state just before and just after it took
// effect.
type OrderStep struct {
	Invoke     history.Op  // the operation's invocation record
	Completion *history.Op // its completion, nil when the order's records end before it
	Op         string      // as a learner reads it: "write 3", "read → 2", "cas 1→2"
	Before     string      // the model's state before it, described
	After      string      // the model's state after it
}

// Order is the order in which one part of a history (a key, for kv; the
// whole history otherwise) could have taken effect, as porcupine found it.
type Order struct {
	Key string
	// Records is how many records of the history the order explains: all of
	// them when the part is linearizable, otherwise its longest linearizable
	// prefix — operations that complete later have no place in any order.
	Records int
	// Linearizable is true when the order explains the whole history.
	Linearizable bool
	// Unknown is true when the search ran out of time or was cancelled;
	// Steps is then empty.
	Unknown bool
	Steps   []OrderStep
}

// LinearizationOrder finds, for every part of h, an order of its operations
// that respects real time and the model, with the model's state around each
// operation: for a linearizable part, a complete linearization; for a part
// that is not, one of its longest linearizable prefix. Failed operations,
// reads whose result is unknown, and unknown writes that nothing observed
// (see prune.go) are in no order: they did not happen, or may as well not
// have. It is meant for explaining a verdict to a learner
// (the history explorer), so it is bounded by opts.Timeout like Check.
func LinearizationOrder(ctx context.Context, h history.History, opts Options) ([]Order, error) {
	m, err := lookupModel(opts.Model)
	if err != nil {
		return nil, err
	}
	init, err := history.Normalize(opts.Init)
	if err != nil {
		return nil, fmt.Errorf("initial value: %w", err)
	}
	p, err := prepare(h, m, init)
	if err != nil {
		return nil, err
	}
	lim := newLimits(ctx, opts)
	defer lim.release()
	s, err := newSearcher(m, init, lim)
	if err != nil {
		return nil, err
	}
	out := make([]Order, 0, len(p.partitions))
	for i, part := range p.partitions {
		o := s.order(part, len(h))
		o.Key = p.keys[i]
		out = append(out, o)
	}
	return out, nil
}

// order finds one part's order.
func (s *searcher) order(part []*call, records int) Order {
	o := Order{Records: records, Linearizable: true}
	switch s.check(part, records) {
	case vUnknown:
		return Order{Records: records, Unknown: true}
	case vIllegal:
		c := s.firstFailure(part, records, 0)
		if c < 0 {
			return Order{Records: records, Unknown: true}
		}
		o.Records, o.Linearizable = c-1, false
	}
	ops := s.operations(part, o.Records)
	if len(ops) == 0 {
		return o
	}
	var steps int64
	pm := s.porcupineModel(&steps, 0, true)
	ops = withEnd(ops)
	res, info := porcupine.CheckOperationsVerbose(pm, ops, s.lim.remaining())
	if s.stopped() || res != porcupine.Ok {
		// A prefix found linearizable is linearizable: only a stopped
		// search ends here.
		return Order{Records: records, Unknown: true}
	}
	var seq []int
	if parts := info.PartialLinearizations(); len(parts) > 0 {
		for _, l := range parts[0] {
			if len(l) > len(seq) {
				seq = l
			}
		}
	}
	state := s.state
	for _, id := range seq {
		c := ops[id].Input.(*call)
		if c == endCall {
			// What follows the end marker changed nothing: it is in no order.
			break
		}
		okStep, next := s.m.step(state, c)
		step := OrderStep{Invoke: c.inv, Op: describeCall(c), Before: s.m.describeState(state), After: "?"}
		if c.comp != nil && c.compPos < o.Records {
			comp := *c.comp
			step.Completion = &comp
		}
		if okStep {
			step.After = s.m.describeState(next)
			state = next
		}
		o.Steps = append(o.Steps, step)
	}
	return o
}
