package lessons

import (
	"math/rand/v2"

	"github.com/faultline-lab/faultline/sim"
)

// queueWorkload enqueues 1, 2, 3, ... — every element unique, so a missing
// or doubled one is plain to see — with some dequeues mixed in, and once
// the faults are healed drains the queue: Jepsen's queue test.
type queueWorkload struct {
	dequeueFraction float64
	next            int64
}

func (w *queueWorkload) Next(rng *rand.Rand, _ int64) sim.Request {
	if rng.Float64() < w.dequeueFraction {
		return sim.Request{F: "dequeue"}
	}
	w.next++
	return sim.Request{F: "enqueue", Value: w.next}
}

// Final drains twice: should the first drain land on a node that knows no
// leader yet and fail, the second still reads what survived.
func (w *queueWorkload) Final() []sim.Request {
	return []sim.Request{{F: "drain"}, {F: "drain"}}
}
