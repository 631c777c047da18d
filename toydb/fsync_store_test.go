package toydb

import (
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// fsWriteRead writes 1, 2, 3, ... each followed by a read.
type fsWriteRead struct{ n int64 }

func (g *fsWriteRead) Next(*rand.Rand, int64) sim.Request {
	g.n++
	if g.n%2 == 0 {
		return sim.Request{F: "read"}
	}
	return sim.Request{F: "write", Value: (g.n + 1) / 2}
}
func (g *fsWriteRead) Final() []sim.Request { return nil }

// fsAfterCrash runs one client against one node crashed at 1.5 s, and
// returns the newest write acknowledged before the crash and the first
// value read after the restart.
func fsAfterCrash(t *testing.T, variant string) (acked, read int64) {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops, cfg.Trace = 1, 1, 60, false
	faults := sim.Schedule{Faults: []sim.Fault{
		{At: 1_500_000_000, Kind: sim.FaultCrash, Nodes: []string{"n1"}},
		{At: 1_600_000_000, Kind: sim.FaultRestart, Nodes: []string{"n1"}},
	}}
	s, err := sim.New(1, cfg, faults, FsyncStore.New(variant), &fsWriteRead{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	crashed := false
	for _, o := range s.History() {
		switch {
		case o.IsNemesis():
			crashed = crashed || o.F == string(sim.FaultCrash)
		case o.Type != history.OK:
		case !crashed && o.F == "write":
			acked, _ = history.Int(o.Value)
		case crashed && o.F == "read":
			read, _ = history.Int(o.Value)
			return acked, read
		}
	}
	t.Fatal("no read after the crash")
	return
}

func TestFsyncStoreLosesAcknowledgedWritesOnCrash(t *testing.T) {
	acked, read := fsAfterCrash(t, "ack-before-fsync")
	if read >= acked {
		t.Fatalf("read %d after the crash, newest acknowledged write %d: nothing lost", read, acked)
	}
}

func TestFsyncStoreFixedKeepsAcknowledgedWrites(t *testing.T) {
	// A write in flight at the crash may or may not survive; every
	// acknowledged one must.
	if acked, read := fsAfterCrash(t, "fixed"); read < acked {
		t.Fatalf("read %d after the crash, newest acknowledged write %d", read, acked)
	}
}
