package lessons

import (
	"math/rand/v2"

	"github.com/faultline-lab/faultline/sim"
)

// setWorkload adds unique elements 0, 1, 2, ... to a set, then reads it
// after the faults heal, like Jepsen's set workload: every acknowledged add
// must be in the final read.
type setWorkload struct {
	next       int64
	finalReads int // how many final reads (one at least)
}

func (w *setWorkload) Next(*rand.Rand, int64) sim.Request {
	x := w.next
	w.next++
	return sim.Request{F: "add", Value: x}
}

func (w *setWorkload) Final() []sim.Request {
	out := make([]sim.Request, max(w.finalReads, 1))
	for i := range out {
		out[i] = sim.Request{F: "read"}
	}
	return out
}
