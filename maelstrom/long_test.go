package maelstrom

import (
	"testing"
	"time"
)

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
