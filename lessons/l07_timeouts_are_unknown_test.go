package lessons

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// tdHunt hunts seeds 1..to of a lesson's variant and fails the test on any
// run error or checker timeout: a hunt that cannot decide proves nothing.
func tdHunt(t testing.TB, id, variant string, to uint64) HuntResult {
	t.Helper()
	l, err := Get(id)
	if err != nil {
		t.Fatal(err)
	}
	r := Hunt(context.Background(), l, Options{Variant: variant}, 1, to, 0, 0)
	for seed, err := range r.Errors {
		t.Fatalf("%s/%s seed %d: %v", id, variant, seed, err)
	}
	if len(r.Unknown) > 0 {
		t.Fatalf("%s/%s: the checker timed out on seeds %v", id, variant, r.Unknown)
	}
	return r
}

// tdBuggyFails asserts that the default variant fails within seeds 1–200
// and returns the first failing seed's history and verdict.
func tdBuggyFails(t *testing.T, id string) (history.History, checker.Result) {
	t.Helper()
	r := tdHunt(t, id, "", 200)
	if len(r.Failing) == 0 {
		t.Fatalf("%s: no seed in 1–200 exposes the default variant", id)
	}
	t.Logf("%s default variant: %d of 200 seeds fail (first %d)", id, len(r.Failing), r.Failing[0])
	l, _ := Get(id)
	sc, err := l.Scenario(Options{Seed: r.Failing[0]})
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
	if res.Verdict != checker.NotLinearizable || len(res.Witness) == 0 || res.Explanation == "" {
		t.Fatalf("%s seed %d: hunted as failing, but a rerun gives %s with witness %d records", id, r.Failing[0], res.Verdict, len(res.Witness))
	}
	return s.History(), res
}

// tdFixedPasses asserts that the fixed variant passes seeds 1–200, or
// 1–1000 with FAULTLINE_LONG=1.
func tdFixedPasses(t *testing.T, id string, long bool) {
	t.Helper()
	to := uint64(200)
	if long {
		if os.Getenv("FAULTLINE_LONG") == "" {
			t.Skip("set FAULTLINE_LONG=1 to try seeds 1–1000")
		}
		to = 1000
	}
	if r := tdHunt(t, id, "fixed", to); len(r.Failing) > 0 {
		t.Fatalf("%s fixed fails on seeds %v", id, r.Failing)
	}
}

func tdBenchHunt1000(b *testing.B, id string) {
	for i := 0; i < b.N; i++ {
		r := tdHunt(b, id, "", 1000)
		b.ReportMetric(float64(len(r.Failing)), "failing-seeds")
	}
}

// counterBounds is what a counter history says of one read: the adds that
// completed ok before it began, and every add it could have seen that is
// not recorded as failed.
func counterBounds(pairs []history.Pair, read history.Pair) (acked, possible int64) {
	for _, p := range pairs {
		if p.Invoke.F != "add" {
			continue
		}
		d, _ := history.Int(p.Invoke.Value)
		c := p.Completion
		switch {
		case c != nil && c.Type == history.OK && c.Index < read.Invoke.Index:
			acked += d
			possible += d
		case c != nil && c.Type == history.Fail:
		case p.Invoke.Index < read.Completion.Index:
			possible += d
		}
	}
	return acked, possible
}

func TestTimeoutsAreUnknownDefaultFails(t *testing.T) {
	h, res := tdBuggyFails(t, "timeouts-are-unknown")
	if res.Anomaly != checker.AnomalyDuplicated {
		t.Errorf("anomaly %q, want %q", res.Anomaly, checker.AnomalyDuplicated)
	}
	// The history itself shows it: some read saw more than every add not
	// recorded as failed could make — an add counted twice, or a "failed"
	// add that happened.
	pairs, err := h.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		if p.Invoke.F == "read" && p.Completion != nil && p.Completion.Type == history.OK {
			v, _ := history.Int(p.Completion.Value)
			if _, possible := counterBounds(pairs, p); v > possible {
				return
			}
		}
	}
	t.Fatal("no read saw more than the adds allow")
}

// Honest timeouts do not save blind retries: the duplicates are real.
func TestTimeoutsAreUnknownBlindRetryFails(t *testing.T) {
	r := tdHunt(t, "timeouts-are-unknown", "blind-retry", 200)
	if len(r.Failing) == 0 {
		t.Fatal("blind retries never counted an add twice in seeds 1–200")
	}
	t.Logf("blind-retry: %d of 200 seeds fail", len(r.Failing))
}

func TestTimeoutsAreUnknownFixedPasses(t *testing.T) {
	tdFixedPasses(t, "timeouts-are-unknown", false)
}

func TestTimeoutsAreUnknownFixedPasses1000(t *testing.T) {
	tdFixedPasses(t, "timeouts-are-unknown", true)
}

func BenchmarkHunt1000_TimeoutsAreUnknown(b *testing.B) {
	tdBenchHunt1000(b, "timeouts-are-unknown")
}

// tdTrace runs one seed of a lesson's variant with the trace on and
// returns the trace's lines, for tests that replay the story a text tells.
func tdTrace(t *testing.T, id, variant string, seed uint64) (*sim.Sim, []string) {
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
	lines := make([]string, len(s.Trace()))
	for i, e := range s.Trace() {
		lines[i] = e.String()
	}
	return s, lines
}

// tdInOrder asserts that each wanted fragment appears in some line, each
// after the previous one.
func tdInOrder(t *testing.T, lines []string, want ...string) {
	t.Helper()
	i := 0
	for _, l := range lines {
		if i < len(want) && strings.Contains(l, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("trace lacks %q (after %q)", want[i], want[:i])
	}
}
