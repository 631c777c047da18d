package tui

import (
	"testing"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/maelstrom"
)

// The buggy key-value node (reads from each node's own copy) is caught
// on the workbench within a few runs, as the README's command runs it:
// five nodes, partitions, 100 operations a second. Each run is real
// time, so the test reports how many it took.
func TestLongNodeLocalReadsCaughtInAFewRuns(t *testing.T) {
	t.Parallel()
	if !long() {
		t.Skip("a long run: set FAULTLINE_LONG=1")
	}
	const most = 5
	for seed := uint64(1); seed <= most; seed++ {
		d := newDriver(t, 80, 24)
		cfg := maelstrom.DefaultConfig("lin-kv")
		cfg.Bin = []string{exampleNode(t, "kv"), "-local-reads"}
		cfg.Nodes, cfg.Rate, cfg.TimeLimit, cfg.Seed, cfg.Nemesis = 5, 100, 5*time.Second, seed, []string{"partition"}
		n := d.startNode(cfg)
		d.until("the verdict", time.Minute, func(Model) bool { return n.stage == stageOver && n.check.result != nil })
		res := n.check.result
		d.keys("q")
		if res.Verdict == checker.NotLinearizable {
			t.Logf("caught on run %d (seed %d): %s, witness of %d records", seed, seed, res.Anomaly, len(res.Witness))
			return
		}
		t.Logf("run %d (seed %d): %s", seed, seed, res.Verdict)
	}
	t.Fatalf("kv -local-reads was not caught in %d runs", most)
}
