package lessons

import (
	"testing"

	"github.com/faultline-lab/faultline/checker"
)

func TestFsyncLiesDefaultFails(t *testing.T) {
	t.Parallel()
	h, res := tdBuggyFails(t, "fsync-lies")
	switch res.Anomaly {
	case checker.AnomalyLostWrite, checker.AnomalyStaleRead:
	default:
		t.Errorf("anomaly %q, want a lost write or a stale read", res.Anomaly)
	}
	// The witness straddles a crash: the register went back in time
	// because the node lost what it had acknowledged.
	first, last := res.Witness[0].Time, res.Witness[len(res.Witness)-1].Time
	for _, o := range h {
		if o.IsNemesis() && o.F == "crash" && o.Time >= first && o.Time <= last {
			return
		}
	}
	t.Fatalf("no crash between %d and %d ns, the witness's span", first, last)
}

func BenchmarkHunt1000_FsyncLies(b *testing.B) {
	benchHunt1000(b, "fsync-lies", "")
}

// Seed 1 is the run the lesson's text retells: 42 fsynced, 43–49
// acknowledged and read, a crash, then reads of 42.
func TestFsyncLiesSeed1IsTheTextsStory(t *testing.T) {
	t.Parallel()
	_, lines := tdTrace(t, "fsync-lies", "", 1)
	tdInOrder(t, lines,
		"ok write 42", "ok write 43", "ok read 43", "ok read 45", "ok write 49", "ok read 49",
		"crashed n1", "restarted n1", "ok read 42")
	_, lines = tdTrace(t, "fsync-lies", "fixed", 1)
	tdInOrder(t, lines, "ok write 49", "crashed n1", "restarted n1", "ok read 49")
}

var _ = tellsStory("fsync-lies", TestFsyncLiesSeed1IsTheTextsStory)
