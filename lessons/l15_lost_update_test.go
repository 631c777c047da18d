package lessons

import (
	"testing"

	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
)

func TestLostUpdateDefaultFails(t *testing.T) {
	t.Parallel()
	assertFails(t, "lost-update", "", 190)
}

func TestLostUpdateAutoRetryFails(t *testing.T) {
	t.Parallel()
	assertFails(t, "lost-update", "auto-retry", 190)
}

func BenchmarkHunt1000_LostUpdate(b *testing.B) { benchHunt1000(b, "lost-update", "") }

// Seed 1 is the run the text retells: the first two transactions both
// read k1 as nil and write it; process 4's commits first, process 3's
// writes 1 over its 2, and the next read of k1 returns 1.
func TestLostUpdateSeed1IsTheTextsStory(t *testing.T) {
	t.Parallel()
	s, res := runTxn(t, "lost-update", "", 1)
	a := firstForbidden(t, res)
	if a.Type != txn.LostUpdate || len(a.Txns) != 2 || a.Key != "k1" || a.Value != nil {
		t.Fatalf("first anomaly %s over %d transactions, key %v, value %v; the text tells of a lost update of k1 read as nil", a.Type, len(a.Txns), a.Key, a.Value)
	}
	p3 := wantTxn{process: 3, inv: 0, comp: 3, typ: history.OK, mops: []any{mop("r", "k1", nil), mop("w", "k1", int64(1))}}
	p4 := wantTxn{process: 4, inv: 1, comp: 2, typ: history.OK, mops: []any{mop("r", "k1", nil), mop("w", "k1", int64(2))}}
	p3.check(t, "T1", res.Txns[a.Txns[0]])
	p4.check(t, "T2", res.Txns[a.Txns[1]])
	lrTraced(t, s, "txn #1 writes k1 2", "txn #2 writes k1 1", "txn #1 commits as commit 1", "txn #2 commits as commit 2")
	wantTxn{process: 1, inv: 4, comp: 8, typ: history.OK, mops: []any{mop("r", "k1", int64(1))}}.check(t, "the next read", txnAt(t, res, 4))
	// The same two transactions form a cycle of two anti-dependencies on k1.
	cycle := false
	for _, x := range res.Anomalies {
		if x.Type == txn.G2Item && len(x.Steps) == 2 && sameSet(x.Txns, a.Txns) &&
			x.Steps[0].Rel == txn.RW && x.Steps[1].Rel == txn.RW && x.Steps[0].Key == "k1" && x.Steps[1].Key == "k1" {
			cycle = true
		}
	}
	if !cycle {
		t.Errorf("no G2-item cycle of two rw steps on k1 between the two transactions; anomalies %v", res.Types)
	}

	// The fix: process 4's commits, process 3's fails with conflict.
	_, fixed := runTxn(t, "lost-update", "fixed", 1)
	if fixed.Verdict != txn.Valid {
		t.Fatalf("fixed: %s, %v", fixed.Verdict, fixed.Forbidden)
	}
	p4.check(t, "fixed, process 4", txnAt(t, fixed, 1))
	wantTxn{process: 3, inv: 0, comp: 3, typ: history.Fail, err: "conflict", mops: p3.mops}.check(t, "fixed, process 3", txnAt(t, fixed, 0))

	// Auto-retry: both are told ok; the loser's writes were applied blindly.
	s, retry := runTxn(t, "lost-update", "auto-retry", 1)
	if a := firstForbidden(t, retry); a.Type != txn.LostUpdate || a.Key != "k1" {
		t.Fatalf("auto-retry: %s on %v", a.Type, a.Key)
	}
	p3.check(t, "auto-retry, process 3", txnAt(t, retry, 0))
	lrTraced(t, s, "txn #2 conflicts on k1 (commit 1 came after its snapshot 0) and is retried blindly", "txn #2 commits as commit 2")
}

var _ = tellsStory("lost-update", TestLostUpdateSeed1IsTheTextsStory)

func sameSet(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int]int{}
	for _, x := range a {
		seen[x]++
	}
	for _, x := range b {
		seen[x]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
