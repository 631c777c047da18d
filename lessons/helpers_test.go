package lessons

import (
	"context"
	"os"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
)

// The helpers below serve every lesson's tests.

// huntSeeds hunts seeds 1..to and fails on any run error or checker
// timeout: a hunt that cannot decide proves nothing.
func huntSeeds(tb testing.TB, id string, o Options, to uint64) HuntResult {
	tb.Helper()
	l, err := Get(id)
	if err != nil {
		tb.Fatal(err)
	}
	r := Hunt(context.Background(), l, o, 1, to, 0, 0)
	for seed, err := range r.Errors {
		tb.Fatalf("%s/%s seed %d: %v", id, o.Variant, seed, err)
	}
	if len(r.Unknown) > 0 {
		tb.Fatalf("%s/%s: the checker timed out on seeds %v", id, o.Variant, r.Unknown)
	}
	return r
}

// assertFails asserts that a variant ("" for the default) fails on at
// least least of seeds 1–200 — a lesson must show its bug reliably — and
// returns the failing seeds.
func assertFails(t *testing.T, id, variant string, least int) []uint64 {
	t.Helper()
	r := huntSeeds(t, id, Options{Variant: variant}, 200)
	t.Logf("%s/%s: %d of 200 seeds fail", id, variant, len(r.Failing))
	if len(r.Failing) < max(least, 1) {
		t.Fatalf("%s/%s: only %d of seeds 1–200 fail, want %d or more", id, variant, len(r.Failing), max(least, 1))
	}
	return r.Failing
}

// assertFixedPasses asserts that fixed passes seeds 1–200, or 1–1000 when
// long and FAULTLINE_LONG=1.
func assertFixedPasses(t *testing.T, id string, long bool) {
	t.Helper()
	to := uint64(200)
	if long {
		if os.Getenv("FAULTLINE_LONG") == "" {
			t.Skip("set FAULTLINE_LONG=1 to try seeds 1–1000")
		}
		to = 1000
	}
	if r := huntSeeds(t, id, Options{Variant: "fixed"}, to); len(r.Failing) > 0 {
		t.Fatalf("%s/fixed fails on seeds %v", id, r.Failing)
	}
}

// benchHunt1000 is faultline hunt --lesson id --variant variant --seeds 1-1000.
func benchHunt1000(b *testing.B, id, variant string) {
	for i := 0; i < b.N; i++ {
		r := huntSeeds(b, id, Options{Variant: variant}, 1000)
		b.ReportMetric(float64(len(r.Failing)), "failing-seeds")
	}
}

// runSeed reruns a seed with the trace on and checks it fully.
func runSeed(t *testing.T, id, variant string, seed uint64) (*sim.Sim, checker.Result) {
	t.Helper()
	l, err := Get(id)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := l.Scenario(Options{Variant: variant, Seed: seed, Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Run(sc)
	if err != nil {
		t.Fatal(err)
	}
	res, err := l.Check(context.Background(), s.History(), checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

// runFailing is runSeed for a seed a hunt found failing: the full check
// must agree, with a witness and an explanation.
func runFailing(t *testing.T, id, variant string, seed uint64) (*sim.Sim, checker.Result) {
	t.Helper()
	s, res := runSeed(t, id, variant, seed)
	if res.Verdict != checker.NotLinearizable || len(res.Witness) == 0 || res.Explanation == "" {
		t.Fatalf("%s/%s seed %d: hunted as failing, but a rerun gives %s with %d witness records", id, variant, seed, res.Verdict, len(res.Witness))
	}
	return s, res
}
