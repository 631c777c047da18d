package lessons

import (
	"math/rand/v2"

	"github.com/faultline-lab/faultline/sim"
)

// seqRegisterWorkload reads and writes one register, writing 1, 2, 3, ...
// so that every value names the write it came from: a read of 12 after 15
// was acknowledged shows at a glance how far the register went back. It
// ends with one final read once the faults are healed.
type seqRegisterWorkload struct {
	readFraction float64
	next         int64
}

func (w *seqRegisterWorkload) Next(rng *rand.Rand, _ int64) sim.Request {
	if rng.Float64() < w.readFraction {
		return sim.Request{F: "read"}
	}
	w.next++
	return sim.Request{F: "write", Value: w.next}
}

func (w *seqRegisterWorkload) Final() []sim.Request { return []sim.Request{{F: "read"}} }
