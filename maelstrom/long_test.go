package maelstrom

import (
	"os"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/sim"
)

func long(t *testing.T) {
	if os.Getenv("FAULTLINE_LONG") == "" {
		t.Skip("a long run: set FAULTLINE_LONG=1")
	}
	t.Parallel()
}

// overlapping unrolls a schedule in which every kind of fault comes and
// goes on its own period (kind i every (i+2)·400 ms, for half of it), so
// that faults overlap in every combination.
func overlapping(t *testing.T, limit time.Duration, kinds ...string) sim.Schedule {
	var s sim.Schedule
	for i, k := range kinds {
		pair, ok := nemesisPair(k)
		if !ok {
			t.Fatalf("no nemesis %q", k)
		}
		period := time.Duration(i+2) * 400 * time.Millisecond
		for at := period / 3; at < limit; at += period {
			on, off := pair[0], pair[1]
			on.At, off.At = int64(at), int64(at+period/2)
			s.Faults = append(s.Faults, on, off)
		}
	}
	return s
}

func TestLongLinKVLeaderUnderOverlappingFaults(t *testing.T) {
	long(t)
	for seed := uint64(1); seed <= 5; seed++ {
		cfg := testConfig(t, "lin-kv", example(t, "kv"))
		cfg.Nodes, cfg.TimeLimit, cfg.Seed = 5, 10*time.Second, seed
		cfg.Faults = overlapping(t, cfg.TimeLimit, "partition", "partition-ring", "pause", "loss", "duplicate", "delay")
		out, res := runToEnd(t, cfg)
		mustBeValid(t, out, res)
	}
}

func TestLongBroadcastUnderOverlappingFaults(t *testing.T) {
	long(t)
	for seed := uint64(1); seed <= 5; seed++ {
		cfg := testConfig(t, "broadcast", example(t, "broadcast"))
		cfg.Nodes, cfg.TimeLimit, cfg.Recovery, cfg.Seed = 5, 10*time.Second, 3*time.Second, seed
		cfg.Faults = overlapping(t, cfg.TimeLimit, "partition", "partition-bridge", "pause", "loss", "duplicate", "delay")
		out, res := runToEnd(t, cfg)
		mustBeValid(t, out, res)
	}
}

func TestLongLocalReadsCaughtOnMostSeeds(t *testing.T) {
	long(t)
	caught := 0
	for seed := uint64(1); seed <= 10; seed++ {
		cfg := testConfig(t, "lin-kv", example(t, "kv"), "-local-reads")
		cfg.Nodes, cfg.TimeLimit, cfg.Seed = 5, 5*time.Second, seed
		cfg.Faults = quickFaults(t, "partition")
		if _, res := runToEnd(t, cfg); res.Verdict == Invalid {
			caught++
		}
	}
	if caught < 8 {
		t.Fatalf("the local-reads node was caught on %d of 10 seeds", caught)
	}
}
