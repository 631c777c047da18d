package lessons

import (
	"math/rand/v2"

	"github.com/faultline-lab/faultline/sim"
)

// casWorkload writes fresh values 1, 2, 3, ... and, between writes, sends
// compare-and-sets from the latest value written to a fresh one. Several
// clients then race to change the same value, and at most one of them may
// win; because no value is ever written twice, the checker's witness shows
// exactly which operation put each value there.
type casWorkload struct {
	readFraction float64
	casFraction  float64
	next         int64 // the last fresh value handed out
	written      int64 // the latest plain write's value (0: none yet)
}

func (w *casWorkload) Next(rng *rand.Rand, _ int64) sim.Request {
	x := rng.Float64()
	switch {
	case x < w.readFraction:
		return sim.Request{F: "read"}
	case x < w.readFraction+w.casFraction && w.written > 0:
		w.next++
		return sim.Request{F: "cas", Value: []any{w.written, w.next}}
	}
	w.next++
	w.written = w.next
	return sim.Request{F: "write", Value: w.next}
}

func (w *casWorkload) Final() []sim.Request { return []sim.Request{{F: "read"}} }
