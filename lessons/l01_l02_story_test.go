package lessons

import (
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

// The texts of lessons 1 and 2 tell what seed 1 does; these tests fail
// instead of the texts going quietly out of date.

func TestFirstHistorySeed1IsTheTextsStory(t *testing.T) {
	t.Parallel()
	s, res := runSeed(t, "first-history", "", 1)
	if res.Verdict != checker.Linearizable {
		t.Fatalf("verdict %s", res.Verdict)
	}
	h := s.History()
	var crashAt, restartAt int64
	infos := map[history.Process]history.Op{}
	for _, o := range h {
		switch {
		case o.IsNemesis() && o.F == "crash":
			crashAt = o.Time
		case o.IsNemesis() && o.F == "restart":
			restartAt = o.Time
		case o.Type == history.Info:
			infos[o.Process] = o
		}
	}
	if crashAt != 3_000_000_000 || restartAt != 4_500_000_000 {
		t.Fatalf("crash at %d, restart at %d; the text says 3 s and 4.5 s", crashAt, restartAt)
	}
	for p := history.Process(0); p <= 5; p++ {
		if _, ok := infos[p]; !ok {
			t.Errorf("process %d did not time out; the text says 0–5 do", p)
		}
	}
	if w := infos[4]; w.F != "write" || w.Value != int64(0) || w.Time <= restartAt {
		t.Errorf("process 4's info is %+v; the text says a write of 0 timing out after the restart", w)
	}
}

var _ = tellsStory("first-history", TestFirstHistorySeed1IsTheTextsStory)

func TestStaleReplicaReadsSeed1IsTheTextsStory(t *testing.T) {
	t.Parallel()
	_, res := runFailing(t, "stale-replica-reads", "", 1)
	if res.Anomaly != checker.AnomalyStaleRead {
		t.Errorf("anomaly %q, the text says stale read", res.Anomaly)
	}
	var wrote1, read7 bool
	for _, o := range res.Witness {
		if o.Type != history.OK {
			continue
		}
		wrote1 = wrote1 || (o.Process == 0 && o.F == "write" && o.Value == int64(1) && o.Node == "n1")
		if o.Process == 1 && o.F == "read" && o.Value == int64(7) && o.Node == "n3" {
			read7 = true
			if o.Time >= 2_000_000_000 {
				t.Errorf("the read completed at %d, after the partition; the text says no fault was in force", o.Time)
			}
		}
	}
	if !wrote1 || !read7 || len(res.Witness) != 6 {
		t.Errorf("witness %v; the text tells of p0's write of 1 at n1 and p1's read of 7 at n3", res.Witness)
	}
}

var _ = tellsStory("stale-replica-reads", TestStaleReplicaReadsSeed1IsTheTextsStory)
