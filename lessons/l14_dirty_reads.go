package lessons

import (
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

func init() {
	register(&Lesson{
		Number:      14,
		ID:          "dirty-reads",
		Design:      toydb.DirtyReads,
		Model:       txn.ListAppend,
		Consistency: txn.ReadCommitted,
		Config:      txnConfig(),
		Workload:    func() sim.Generator { return newListAppend() },
	})
}

// txnConfig is the transactional lessons' cluster: one database server,
// and clients enough to keep several transactions open at once.
func txnConfig() sim.Config {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 1, 5, 200
	cfg.ThinkMinNs, cfg.ThinkMaxNs = 20_000_000, 80_000_000
	return cfg
}
