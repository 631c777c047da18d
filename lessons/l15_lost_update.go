package lessons

import (
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	register(&Lesson{
		Number:      15,
		ID:          "lost-update",
		Design:      toydb.LostUpdate,
		Model:       txn.RWRegister,
		Consistency: txn.SnapshotIsolation,
		Config:      txnConfig(),
		Workload:    func() sim.Generator { return newRWRegister() },
	})
}
