package maelstrom

import (
	"math/rand/v2"
	"testing"
)

// FinalReads names exactly the workloads whose runs end with final reads.
func TestFinalReadsNamesTheWorkloadsThatHaveThem(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, name := range Workloads {
		w := newWorkload(name)
		for range 50 {
			w.next(rng, 3)
		}
		if has := len(w.finals(3)) > 0; has != FinalReads(name) {
			t.Errorf("%s: final reads %v, FinalReads says %v", name, has, FinalReads(name))
		}
	}
}
