package txn_test

import (
	"context"
	"fmt"

	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
)

// Two doctors on call: each checks that the other has not gone off call
// (nil: no change written yet), then goes off call itself (writes 0).
// Snapshot isolation lets both commit; no serial order explains that.
func ExampleCheck() {
	mops := func(m ...[]any) []any {
		out := make([]any, len(m))
		for i, x := range m {
			out[i] = x
		}
		return out
	}
	h := history.History{
		{Process: 1, Type: history.Invoke, F: "txn", Value: mops([]any{"r", "bob", nil}, []any{"w", "alice", int64(0)})},
		{Process: 2, Type: history.Invoke, F: "txn", Value: mops([]any{"r", "alice", nil}, []any{"w", "bob", int64(0)})},
		{Process: 1, Type: history.OK, F: "txn", Value: mops([]any{"r", "bob", nil}, []any{"w", "alice", int64(0)})},
		{Process: 2, Type: history.OK, F: "txn", Value: mops([]any{"r", "alice", nil}, []any{"w", "bob", int64(0)})},
	}
	h.Reindex()
	for _, model := range []string{txn.SnapshotIsolation, txn.Serializable} {
		res, err := txn.Check(context.Background(), h, txn.Options{Workload: txn.RWRegister, Consistency: model})
		if err != nil {
			panic(err)
		}
		fmt.Println(model+":", res.Verdict)
		if res.Verdict == txn.Invalid {
			a := res.Anomalies[0]
			fmt.Println(a.Type, "-", txn.PlainNameOf(a))
			for _, st := range a.Steps {
				fmt.Printf("  %s on %v: %s\n", st.Rel, st.Key, st.Text)
			}
		}
	}
	// Output:
	// snapshot-isolation: valid
	// serializable: invalid
	// G2-item - write skew
	//   rw on bob: T1 read bob = nil (never written), before T2 wrote 0
	//   rw on alice: T2 read alice = nil (never written), before T1 wrote 0
}
