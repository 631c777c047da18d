package lessons

import (
	"math/rand/v2"

	"github.com/faultline-lab/faultline/sim"
)

// kvWorkload reads, writes and compare-and-sets a few keys, like Jepsen's
// linearizable-register workload run per key. Written values are unique per
// key (1, 2, 3, ...), so a stale or lost value in a read names the write it
// came from; a cas expects the value most recently asked for, so many of
// them can succeed.
type kvWorkload struct {
	keys         []string
	readFraction float64
	casFraction  float64
	next         map[string]int64 // the last value asked for, per key
}

func newKVWorkload(keys []string, readFraction, casFraction float64) *kvWorkload {
	return &kvWorkload{keys: keys, readFraction: readFraction, casFraction: casFraction, next: map[string]int64{}}
}

func (w *kvWorkload) Next(rng *rand.Rand, _ int64) sim.Request {
	key := w.keys[rng.IntN(len(w.keys))]
	x := rng.Float64()
	switch {
	case x < w.readFraction:
		return sim.Request{F: "read", Key: key}
	case x < w.readFraction+w.casFraction:
		from := w.next[key] // the last value asked for (0 before any write)
		w.next[key]++
		return sim.Request{F: "cas", Key: key, Value: []any{from, w.next[key]}}
	}
	w.next[key]++
	return sim.Request{F: "write", Key: key, Value: w.next[key]}
}

// Final reads every key, after the faults are healed. Three rounds: a
// client whose first final read reaches a follower is sent on to the
// leader for the next.
func (w *kvWorkload) Final() []sim.Request {
	var out []sim.Request
	for range 3 {
		for _, k := range w.keys {
			out = append(out, sim.Request{F: "read", Key: k})
		}
	}
	return out
}
