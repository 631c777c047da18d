package lessons

import (
	"reflect"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// runOutput is a run's history and trace.
func runOutput(t *testing.T, l *Lesson, variant string, seed uint64) (history.History, []sim.TraceEvent) {
	t.Helper()
	sc, err := l.Scenario(Options{Variant: variant, Seed: seed, Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Run(sc)
	if err != nil {
		t.Fatalf("%s/%s seed %d: %v", l.ID, variant, seed, err)
	}
	return s.History(), s.Trace()
}

// Every design of every lesson replays its history and trace exactly: no
// map order, wall clock or goroutine leaks into a run (a toy database is
// the likeliest place for one). The runs are compared value by value,
// which is what the rendered bytes are made from. Seed 1; seeds 1–3 with
// FAULTLINE_LONG=1.
func TestEveryVariantIsDeterministic(t *testing.T) {
	t.Parallel()
	seeds := sweep(1, 1, 3)
	for _, l := range All() {
		t.Run(l.ID, func(t *testing.T) {
			t.Parallel()
			for _, v := range l.Variants() {
				for seed := uint64(1); seed <= seeds; seed++ {
					h1, tr1 := runOutput(t, l, v.Name, seed)
					h2, tr2 := runOutput(t, l, v.Name, seed)
					if !reflect.DeepEqual(h1, h2) || !reflect.DeepEqual(tr1, tr2) {
						t.Errorf("%s/%s seed %d: two runs differ", l.ID, v.Name, seed)
					}
				}
			}
		})
	}
}
