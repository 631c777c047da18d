package lessons

import (
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	register(&Lesson{
		Number:      16,
		ID:          "write-skew",
		Design:      toydb.WriteSkew,
		Model:       txn.ListAppend,
		Consistency: txn.Serializable,
		Config:      txnConfig(),
		Workload:    func() sim.Generator { return newListAppend() },
	})
}
