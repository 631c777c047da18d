package lessons

import (
	"testing"

	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
)

func TestWriteSkewDefaultFails(t *testing.T) { assertFails(t, "write-skew", "", 150) }

func TestWriteSkewFixedPasses(t *testing.T) { assertFixedPasses(t, "write-skew", false) }

func TestWriteSkewFixedPasses1000(t *testing.T) { assertFixedPasses(t, "write-skew", true) }

func BenchmarkHunt1000_WriteSkew(b *testing.B) { benchHunt1000(b, "write-skew", "") }

// Seed 3 is the run the text retells: process 1's transaction appends 5
// to k5 and reads k6 as [1]; process 3's appends 2 to k6 and reads k5 as
// [1 2]; both from the snapshot as of commit 15, both commit.
func TestWriteSkewSeed3IsTheTextsStory(t *testing.T) {
	s, res := runTxn(t, "write-skew", "", 3)
	a := firstForbidden(t, res)
	if a.Type != txn.G2Item || len(a.Txns) != 2 || len(a.Steps) != 2 {
		t.Fatalf("first anomaly %s over %d transactions; the text tells of a write skew of two", a.Type, len(a.Txns))
	}
	p1 := wantTxn{process: 1, inv: 46, comp: 53, typ: history.OK, mops: []any{mop("append", "k5", int64(5)), mop("r", "k6", list(1))}}
	p3 := wantTxn{process: 3, inv: 49, comp: 54, typ: history.OK, mops: []any{
		mop("append", "k6", int64(2)), mop("r", "k5", list(1, 2)), mop("r", "k5", list(1, 2))}}
	p1.check(t, "T1", res.Txns[a.Txns[0]])
	p3.check(t, "T2", res.Txns[a.Txns[1]])
	for i, want := range []struct {
		key          string
		read, appent int64
	}{{"k6", 1, 2}, {"k5", 2, 5}} {
		st := a.Steps[i]
		if st.Rel != txn.RW || st.Key != want.key || st.Value != want.read || st.Value2 != want.appent {
			t.Errorf("step %d: %s on %v, read up to %v, then %v; want rw on %s, read up to %d, then %d",
				i+1, st.Rel, st.Key, st.Value, st.Value2, want.key, want.read, want.appent)
		}
	}
	traceShows(t, s, "txn #24 begins: 2 micro-operations, reading the snapshot as of commit 15",
		"txn #27 begins: 3 micro-operations, reading the snapshot as of commit 15",
		"txn #24 commits as commit 18", "txn #27 commits as commit 19")

	// The fix: process 3's transaction read k5 before process 1's
	// append committed, and fails.
	_, fixed := runTxn(t, "write-skew", "fixed", 3)
	if fixed.Verdict != txn.Valid {
		t.Fatalf("fixed: %s, %v", fixed.Verdict, fixed.Forbidden)
	}
	p1.check(t, "fixed, process 1", txnAt(t, fixed, 46))
	wantTxn{process: 3, inv: 49, comp: 54, typ: history.Fail, err: "conflict", mops: []any{
		mop("append", "k6", int64(2)), mop("r", "k5", nil), mop("r", "k5", nil)}}.check(t, "fixed, process 3", txnAt(t, fixed, 49))
}

var _ = tellsStory("write-skew", TestWriteSkewSeed3IsTheTextsStory)
