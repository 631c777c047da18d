package lessons

import (
	"math/rand/v2"

	"github.com/faultline-lab/faultline/sim"
)

// counterWorkload adds small positive amounts to a counter and reads it,
// then reads it once more after the faults heal, like Jepsen's counter
// workload.
type counterWorkload struct {
	readFraction float64
	maxAdd       int64 // adds draw from 1..maxAdd
}

func (w counterWorkload) Next(rng *rand.Rand, _ int64) sim.Request {
	if rng.Float64() < w.readFraction {
		return sim.Request{F: "read"}
	}
	return sim.Request{F: "add", Value: 1 + rng.Int64N(max(w.maxAdd, 1))}
}

func (w counterWorkload) Final() []sim.Request { return []sim.Request{{F: "read"}} }
