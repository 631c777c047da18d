package lessons

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
)

// `run` and `check` of the run's exported history explain the same
// anomaly: one rule (the earliest of the most severe kind) picks it in
// both. A learner who checks skew.edn after `run --lesson write-skew --seed
// 3 --out skew.edn` once met another cycle than the run had named.
func TestTxnRunAndCheckExplainTheSameAnomaly(t *testing.T) {
	t.Parallel()
	per := 3
	if testing.Short() {
		per = 1
	}
	compared := 0
	for _, l := range All() {
		if !l.Transactional() {
			continue
		}
		for _, variant := range l.Buggy() {
			for _, seed := range failingSeeds(t, l.ID, variant, per) {
				h := runHistory(t, l, Options{Variant: variant, Seed: seed})
				ran, err := l.CheckTxn(context.Background(), h, checker.Options{})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := history.WriteEDN(&buf, h); err != nil {
					t.Fatal(err)
				}
				back, _, err := history.ReadTxnBytes(buf.Bytes(), "run.edn", history.FormatEDN)
				if err != nil {
					t.Fatal(err)
				}
				checked, err := txn.Check(context.Background(), back, txn.Options{Workload: string(l.Model), Consistency: l.Consistency})
				if err != nil {
					t.Fatal(err)
				}
				a, okRun := FirstForbidden(ran)
				b, okCheck := FirstForbidden(checked)
				if !okRun || !okCheck {
					t.Errorf("%s/%s seed %d: hunted failing, but run found a forbidden anomaly %v, check %v", l.ID, variant, seed, okRun, okCheck)
					continue
				}
				compared++
				if a.Type != b.Type || !slices.Equal(a.Txns, b.Txns) || ran.Explanation != checked.Explanation {
					t.Errorf("%s/%s seed %d: run explains %s %v, check %s %v\nrun:   %s\ncheck: %s", l.ID, variant, seed, a.Type, a.Txns, b.Type, b.Txns, ran.Explanation, checked.Explanation)
				}
			}
		}
	}
	if compared == 0 {
		t.Error("no failing transactional run compared: the test proves nothing")
	}
}

// Every line of the transactional text, for a passing and a failing run of
// each transactional lesson, reads as finished English within 78 columns,
// and names the models it satisfies without hedging ("at most").
func TestTxnTextReads(t *testing.T) {
	t.Parallel()
	for _, l := range All() {
		if !l.Transactional() {
			continue
		}
		runs := map[string]uint64{"fixed": 1}
		for _, variant := range l.Buggy() {
			runs[variant] = failingSeeds(t, l.ID, variant, 1)[0]
		}
		verdicts := map[txn.Verdict]bool{}
		for variant, seed := range runs {
			h := runHistory(t, l, Options{Variant: variant, Seed: seed})
			res, err := l.CheckTxn(context.Background(), h, checker.Options{})
			if err != nil {
				t.Fatal(err)
			}
			verdicts[res.Verdict] = true
			text := txn.FormatText(res)
			for _, line := range strings.Split(text, "\n") {
				if len([]rune(line)) > 78 {
					t.Errorf("%s/%s seed %d: a line is wider than 78 columns: %q", l.ID, variant, seed, line)
				}
			}
			if c := danglingClause(text); c != "" {
				t.Errorf("%s/%s seed %d: a clause ends unfinished: %q", l.ID, variant, seed, c)
			}
			for _, bad := range []string{"at most", "(index ", "Let T1"} {
				if strings.Contains(text, bad) {
					t.Errorf("%s/%s seed %d: the text says %q:\n%s", l.ID, variant, seed, bad, text)
				}
			}
		}
		if !verdicts[txn.Valid] || !verdicts[txn.Invalid] {
			t.Errorf("%s: verdicts %v, want a passing and a failing run", l.ID, verdicts)
		}
	}
}
