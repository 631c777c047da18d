package lessons

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// runBytes is a run's history and trace as bytes.
func runBytes(t *testing.T, l *Lesson, variant string, seed uint64) []byte {
	t.Helper()
	sc, err := l.Scenario(Options{Variant: variant, Seed: seed, Trace: true, Nemesis: nil})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Run(sc)
	if err != nil {
		t.Fatalf("%s/%s seed %d: %v", l.ID, variant, seed, err)
	}
	var b bytes.Buffer
	history.WriteJSONL(&b, s.History())
	for _, e := range s.Trace() {
		fmt.Fprintln(&b, e.String())
	}
	return b.Bytes()
}

// Every design of every lesson replays byte for byte: no map order, wall
// clock or goroutine leaks into a run (a toy database is the likeliest
// place for one).
func TestEveryVariantIsDeterministic(t *testing.T) {
	for _, l := range All() {
		for _, v := range l.Variants() {
			for seed := uint64(1); seed <= 3; seed++ {
				a, b := runBytes(t, l, v.Name, seed), runBytes(t, l, v.Name, seed)
				if !bytes.Equal(a, b) {
					t.Errorf("%s/%s seed %d: two runs differ", l.ID, v.Name, seed)
				}
			}
		}
	}
}
