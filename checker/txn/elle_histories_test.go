package txn

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// Elle's example histories (its repository's histories/ folder) are not
// ours to commit. Point FAULTLINE_ELLE_HISTORIES at a copy of that folder
// to check them:
//
//	FAULTLINE_ELLE_HISTORIES=/path/to/elle/histories go test ./checker/txn -run ElleHistories -v
//
// What each should give, from Elle's tests and paper:
//   - paper-example.edn is the paper's Figure 2: a G-single cycle T1 → T2
//     (T1 did not observe T2's append of 8 to 255) → T3 (which observed
//     it) → T1 (T1 appended 3 to 256 after T3 appended 4).
//   - si-without-g-single.edn: checked for snapshot isolation and
//     repeatable read, a G2-item and nothing else; not repeatable read.
//   - huge-scc.edn: checked for strict serializability, not valid, and not
//     strong snapshot isolation (Elle's search times out there and proves
//     the cycle exists without showing one).
//   - small-slow-scc.edn: Elle only times it.
func TestElleHistories(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("FAULTLINE_ELLE_HISTORIES")
	if dir == "" {
		t.Skip("set FAULTLINE_ELLE_HISTORIES to Elle's histories/ folder")
	}
	read := func(t *testing.T, name string) history.History {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%s: %v", name, err)
		}
		h, _, err := history.ReadTxnFile(path, "auto")
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	t.Run("paper-example", func(t *testing.T) {
		h := read(t, "paper-example.edn")
		res := check(t, h, Options{Workload: ListAppend})
		if !slices.Equal(res.Types, []string{GSingle}) || len(res.Anomalies) != 1 {
			t.Fatalf("found %v", res.Types)
		}
		a := res.Anomalies[0]
		var idx []int64
		var rels []Rel
		for i, id := range a.Txns {
			idx = append(idx, res.Txns[id].Record().Index)
			rels = append(rels, a.Steps[i].Rel)
		}
		// The paper's T1, T2, T3 complete at indices 7, 3 and 5.
		if !slices.Equal(idx, []int64{3, 5, 7}) || !slices.Equal(rels, []Rel{WR, WW, RW}) {
			t.Fatalf("cycle through %v by %v\n%s", idx, rels, a.Explanation)
		}
		t.Log(a.Explanation)
	})
	t.Run("si-without-g-single", func(t *testing.T) {
		h := read(t, "si-without-g-single.edn")
		res := check(t, h, Options{Workload: ListAppend, Consistency: SnapshotIsolation, ElleOrders: true})
		asked := func(a string) bool { return Forbids(SnapshotIsolation, a) || Forbids(RepeatableRead, a) }
		if got := elleReport(res, asked); !slices.Equal(got, []string{G2Item}) || !slices.Equal(res.Not, []string{RepeatableRead}) || res.Verdict != Valid {
			t.Fatalf("reports %v, not %v, verdict %s", got, res.Not, res.Verdict)
		}
	})
	t.Run("huge-scc", func(t *testing.T) {
		h := read(t, "huge-scc.edn")
		res := check(t, h, Options{Workload: ListAppend, ElleOrders: true})
		if res.Verdict != Invalid || !slices.Equal(res.Not, []string{StrongSI}) {
			t.Fatalf("%s, not %v, found %v", res.Verdict, res.Not, res.Types)
		}
		t.Logf("%d transactions, %d dependencies: %v", len(res.Txns), res.Dependencies, res.Types)
	})
	t.Run("small-slow-scc", func(t *testing.T) {
		h := read(t, "small-slow-scc.edn")
		res := check(t, h, Options{Workload: ListAppend, Consistency: StrongSI, ElleOrders: true})
		t.Logf("%s: %v", res.Verdict, res.Types)
	})
}
