package toydb

import (
	"reflect"
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// The store's switches, one interleaving each, without the simulator.

func appendOp(k string, v int64) history.MicroOp {
	return history.MicroOp{F: history.MopAppend, Key: k, Value: v}
}
func readOp(k string) history.MicroOp { return history.MicroOp{F: history.MopRead, Key: k} }
func writeOp(k string, v int64) history.MicroOp {
	return history.MicroOp{F: history.MopWrite, Key: k, Value: v}
}

// run steps t through all its micro-operations, failing on an abort.
func runAll(tb testing.TB, s *txnStore, t *txnRun) {
	tb.Helper()
	for t.next < len(t.mops) {
		if abort, line := s.step(t, true); abort != "" {
			tb.Fatalf("aborted: %s", line)
		}
	}
}

func commitOK(tb testing.TB, s *txnStore, t *txnRun) {
	tb.Helper()
	if abort, why, _ := s.certify(t); abort != "" {
		tb.Fatalf("certify: %s", why)
	}
	s.commit(t)
}

func readValue(t *txnRun, i int) any { return t.mops[i].Value }

func TestTxnStoreDirtyWritesAreSeenAndUndone(t *testing.T) {
	t.Parallel()
	s := newTxnStore(isolation{dirty: true, locks: true}, true)
	w := s.begin(1, []history.MicroOp{appendOp("x", 1)})
	runAll(t, s, w)
	r := s.begin(2, []history.MicroOp{readOp("x")})
	runAll(t, s, r)
	if got := readValue(r, 0); !reflect.DeepEqual(got, []any{int64(1)}) {
		t.Fatalf("a dirty read saw %v, want the uncommitted [1]", got)
	}
	s.release(w) // the writer aborts
	r2 := s.begin(3, []history.MicroOp{readOp("x")})
	runAll(t, s, r2)
	if got := readValue(r2, 0); !reflect.DeepEqual(got, []any{}) {
		t.Fatalf("after the abort a read saw %v, want []", got)
	}
}

func TestTxnStoreBufferedWritesWaitForCommit(t *testing.T) {
	t.Parallel()
	s := newTxnStore(isolation{locks: true}, true)
	w := s.begin(1, []history.MicroOp{appendOp("x", 1), readOp("x")})
	runAll(t, s, w)
	if got := readValue(w, 1); !reflect.DeepEqual(got, []any{int64(1)}) {
		t.Fatalf("the writer read its own append as %v", got)
	}
	r := s.begin(2, []history.MicroOp{readOp("x")})
	runAll(t, s, r)
	if got := readValue(r, 0); !reflect.DeepEqual(got, []any{}) {
		t.Fatalf("another read saw %v before the commit, want []", got)
	}
	commitOK(t, s, w)
	r2 := s.begin(3, []history.MicroOp{readOp("x")})
	runAll(t, s, r2)
	if got := readValue(r2, 0); !reflect.DeepEqual(got, []any{int64(1)}) {
		t.Fatalf("after the commit a read saw %v, want [1]", got)
	}
}

func TestTxnStoreLockConflictAborts(t *testing.T) {
	t.Parallel()
	s := newTxnStore(isolation{locks: true}, true)
	a := s.begin(1, []history.MicroOp{appendOp("x", 1)})
	runAll(t, s, a)
	b := s.begin(2, []history.MicroOp{appendOp("x", 2)})
	if abort, _ := s.step(b, true); abort != txnErrLocked {
		t.Fatalf("second writer: %q, want %q", abort, txnErrLocked)
	}
	s.release(b)
	commitOK(t, s, a)
	c := s.begin(3, []history.MicroOp{appendOp("x", 3)})
	runAll(t, s, c) // the lock is free again
}

func TestTxnStoreSnapshotReadsIgnoreLaterCommits(t *testing.T) {
	t.Parallel()
	s := newTxnStore(isolation{snapshot: true}, false)
	r := s.begin(1, []history.MicroOp{readOp("x")})
	w := s.begin(2, []history.MicroOp{writeOp("x", 5)})
	runAll(t, s, w)
	commitOK(t, s, w)
	runAll(t, s, r)
	if got := readValue(r, 0); got != nil {
		t.Fatalf("a snapshot read saw %v, committed after its snapshot", got)
	}
	rc := newTxnStore(isolation{}, false)
	r, w = rc.begin(1, []history.MicroOp{readOp("x")}), rc.begin(2, []history.MicroOp{writeOp("x", 5)})
	runAll(t, rc, w)
	commitOK(t, rc, w)
	runAll(t, rc, r)
	if got := readValue(r, 0); got != int64(5) {
		t.Fatalf("a read committed read saw %v, want the latest commit's 5", got)
	}
}

// lostUpdate runs two read-modify-writes of x from the same state and
// commits the first; it returns the second and the store.
func lostUpdate(t *testing.T, iso isolation) (*txnStore, *txnRun) {
	s := newTxnStore(iso, false)
	a := s.begin(1, []history.MicroOp{readOp("x"), writeOp("x", 1)})
	b := s.begin(2, []history.MicroOp{readOp("x"), writeOp("x", 2)})
	runAll(t, s, a)
	runAll(t, s, b)
	commitOK(t, s, a)
	return s, b
}

func TestTxnStoreLastCommitterWinsLosesTheUpdate(t *testing.T) {
	t.Parallel()
	s, b := lostUpdate(t, isolation{})
	commitOK(t, s, b)
	if got := s.latest("x"); got != int64(2) {
		t.Fatalf("x is %v, want 2 (the first update lost)", got)
	}
}

func TestTxnStoreFirstCommitterWins(t *testing.T) {
	t.Parallel()
	s, b := lostUpdate(t, isolation{snapshot: true, firstCommitterWins: true})
	if abort, _, _ := s.certify(b); abort != txnErrConflict {
		t.Fatalf("the second writer certified with %q, want a conflict", abort)
	}
}

func TestTxnStoreBlindRetryCommitsTheLoser(t *testing.T) {
	t.Parallel()
	s, b := lostUpdate(t, isolation{snapshot: true, firstCommitterWins: true, blindRetry: true})
	abort, why, retried := s.certify(b)
	if abort != "" || !retried || why == "" {
		t.Fatalf("certify: %q %q %v; want a blind retry", abort, why, retried)
	}
	s.commit(b)
	if got := s.latest("x"); got != int64(2) || readValue(b, 0) != nil {
		t.Fatalf("x is %v and the retried read says %v; want 2 over the first update, from a read of nil", got, readValue(b, 0))
	}
}

// Write skew: each reads what the other writes. Snapshot isolation
// commits both; certifying reads aborts the second.
func TestTxnStoreCertifiedReadsStopWriteSkew(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		iso  isolation
		want string
	}{
		{isolation{snapshot: true, firstCommitterWins: true}, ""},
		{isolation{snapshot: true, firstCommitterWins: true, certifyReads: true}, txnErrConflict},
	} {
		s := newTxnStore(c.iso, true)
		a := s.begin(1, []history.MicroOp{readOp("x"), appendOp("y", 1)})
		b := s.begin(2, []history.MicroOp{readOp("y"), appendOp("x", 1)})
		runAll(t, s, a)
		runAll(t, s, b)
		commitOK(t, s, a)
		if abort, _, _ := s.certify(b); abort != c.want {
			t.Errorf("%+v: the second committer got %q, want %q", c.iso, abort, c.want)
		}
	}
}

// The records the transaction server puts on disk copy themselves: every
// field that may refer to data a node changes is copied in their Clone.
func TestTxnRecordClonesCoverEveryField(t *testing.T) {
	t.Parallel()
	for typ, cloned := range map[reflect.Type][]string{
		reflect.TypeFor[txnCommit]():  {"Writes"},
		reflect.TypeFor[kvWrite]():    {"Value"}, // by txnCommit.Clone
		reflect.TypeFor[txnOutcome](): {"Result"},
	} {
		for i := range typ.NumField() {
			f := typ.Field(i)
			switch f.Type.Kind() {
			case reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64, reflect.String:
			default:
				if !slices.Contains(cloned, f.Name) {
					t.Errorf("%s.%s (%s) may refer to data a node changes: copy it in Clone", typ.Name(), f.Name, f.Type)
				}
			}
		}
	}
}

// What the disk holds of a commit or an outcome shares nothing with the
// node's own values: a change to them after Put does not reach it.
func TestTxnRecordsOnDiskShareNothing(t *testing.T) {
	t.Parallel()
	d := sim.NewDisk()
	writes := []kvWrite{{Key: "x", Value: []any{int64(1)}}, {Key: "y", Value: int64(2)}}
	result := []any{[]any{"append", "x", int64(1)}, []any{"r", "x", []any{int64(1)}}}
	d.Put("commit", txnCommit{Seq: 3, Writes: writes})
	d.Put("empty", txnCommit{Seq: 4})
	d.Put("ok", txnOutcome{OK: true, Result: result})
	d.Put("aborted", txnOutcome{Code: txnErrConflict})
	writes[0].Key, writes[0].Value.([]any)[0] = "z", int64(9)
	result[0].([]any)[2] = int64(9)
	result[1].([]any)[2].([]any)[0] = int64(9)
	for key, want := range map[string]any{
		"commit":  txnCommit{Seq: 3, Writes: []kvWrite{{Key: "x", Value: []any{int64(1)}}, {Key: "y", Value: int64(2)}}},
		"empty":   txnCommit{Seq: 4},
		"ok":      txnOutcome{OK: true, Result: []any{[]any{"append", "x", int64(1)}, []any{"r", "x", []any{int64(1)}}}},
		"aborted": txnOutcome{Code: txnErrConflict},
	} {
		if got, _ := d.Get(key); !reflect.DeepEqual(got, want) {
			t.Errorf("%s on disk after the node changed its values: %#v, want %#v", key, got, want)
		}
	}
}
