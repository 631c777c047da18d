package lessons

import (
	"testing"

	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
)

func TestWriteSkewDefaultFails(t *testing.T) {
	t.Parallel()
	assertFails(t, "write-skew", "", 150)
}

func BenchmarkHunt1000_WriteSkew(b *testing.B) { benchHunt1000(b, "write-skew", "") }

// Seed 3 is the run the text retells: at the start of the run, process
// 0's transaction reads k3 empty and appends 1 to k1; process 1's reads k1
// and k3 empty and appends 1 to k3; both from the snapshot as of commit 2,
// both commit.
func TestWriteSkewSeed3IsTheTextsStory(t *testing.T) {
	t.Parallel()
	s, res := runTxn(t, "write-skew", "", 3)
	a := firstForbidden(t, res)
	if a.Type != txn.G2Item || len(a.Txns) != 2 || len(a.Steps) != 2 {
		t.Fatalf("first anomaly %s over %d transactions; the text tells of a write skew of two", a.Type, len(a.Txns))
	}
	p0 := wantTxn{process: 0, inv: 4, comp: 9, typ: history.OK, mops: []any{
		mop("r", "k3", list()), mop("r", "k3", list()), mop("append", "k1", int64(1))}}
	p1 := wantTxn{process: 1, inv: 6, comp: 10, typ: history.OK, mops: []any{
		mop("r", "k1", list()), mop("r", "k3", list()), mop("append", "k3", int64(1))}}
	p0.check(t, "T1", res.Txns[a.Txns[0]])
	p1.check(t, "T2", res.Txns[a.Txns[1]])
	for i, key := range []string{"k3", "k1"} {
		st := a.Steps[i]
		if st.Rel != txn.RW || st.Key != key || !st.Initial || st.Value2 != int64(1) {
			t.Errorf("step %d: %s on %v (read empty: %v), then %v; want rw on %s, read empty, then 1", i+1, st.Rel, st.Key, st.Initial, st.Value2, key)
		}
	}
	lrTraced(t, s, "txn #4 begins: 3 micro-operations, reading the snapshot as of commit 2",
		"txn #5 begins: 3 micro-operations, reading the snapshot as of commit 2",
		"txn #4 commits as commit 4", "txn #5 commits as commit 5")
	// The earliest anomaly of the run: no other completes before record 10.
	for _, x := range res.Anomalies {
		if txn.EvidenceAt(x, res.Txns) < 10 {
			t.Errorf("%s completes at record %d, before the narrated one", x.Type, txn.EvidenceAt(x, res.Txns))
		}
	}

	// The fix: process 1's transaction read k1 before process 0's append
	// committed, and fails.
	_, fixed := runTxn(t, "write-skew", "fixed", 3)
	if fixed.Verdict != txn.Valid {
		t.Fatalf("fixed: %s, %v", fixed.Verdict, fixed.Forbidden)
	}
	p0.check(t, "fixed, process 0", txnAt(t, fixed, 4))
	wantTxn{process: 1, inv: 6, comp: 10, typ: history.Fail, err: "conflict", mops: []any{
		mop("r", "k1", nil), mop("r", "k3", nil), mop("append", "k3", int64(1))}}.check(t, "fixed, process 1", txnAt(t, fixed, 6))
}

var _ = tellsStory("write-skew", TestWriteSkewSeed3IsTheTextsStory)
