package lessons

import (
	"math/rand/v2"

	"github.com/faultline-lab/faultline/sim"
)

// registerWorkload reads and writes one register with small random values,
// like Jepsen's register workloads.
type registerWorkload struct {
	readFraction float64
	values       int64 // writes draw from 0..values-1
	cas          bool  // also compare-and-set
}

func (w registerWorkload) Next(rng *rand.Rand, _ int64) sim.Request {
	x := rng.Float64()
	switch {
	case x < w.readFraction:
		return sim.Request{F: "read"}
	case w.cas && x < w.readFraction+(1-w.readFraction)/2:
		return sim.Request{F: "cas", Value: []any{rng.Int64N(w.values), rng.Int64N(w.values)}}
	}
	return sim.Request{F: "write", Value: rng.Int64N(w.values)}
}

func (w registerWorkload) Final() []sim.Request { return nil }
