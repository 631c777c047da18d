package lessons

import (
	"context"
	"fmt"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
)

// The audit behind issue 10 found fixed variants failing under faults
// their lessons never tried: forwarded requests delayed and duplicated,
// nodes restarting with their request numbers reset, compare failures
// answered from uncommitted state, retrying clients. Each case replays
// those faults against the fix, taking turns as the audit's --nemesis
// lists did (the torture test overlaps them): its named seeds (those the
// audit reported) and the first three always, the audit's whole range
// with FAULTLINE_LONG=1. Zero failures, zero unknowns.
func TestIssue10AuditFaultsNoLongerBreakTheFixes(t *testing.T) {
	t.Parallel()
	n := func(ks ...sim.Nemesis) []sim.Nemesis { return ks }
	cases := []struct {
		name            string
		lesson, variant string
		o               Options
		retries         int // the client library's retries (0: the lesson's)
		seeds           []uint64
		upTo            uint64
	}{
		{"compare failures answered from uncommitted state", "split-brain", "fixed",
			Options{Nemesis: n(sim.NemesisPartition, sim.NemesisPartitionLeader), Mix: MixCycle, Ops: 600}, 0, []uint64{110, 178, 209, 275}, 300},
		{"a duplicated grant, a read result taken for a write's", "lease-locks", "fixed",
			Options{Nemesis: n(sim.NemesisDuplicate), Mix: MixCycle}, 0, []uint64{97, 157, 366}, 600},
		{"forwarded writes delayed and duplicated", "stale-replica-reads", "fixed",
			Options{Nemesis: n(sim.NemesisDelay, sim.NemesisDuplicate), Mix: MixCycle, Ops: 600}, 0, nil, 300},
		{"a failed add that a later read returns", "async-failover", "fixed",
			Options{Nemesis: n(sim.NemesisDelay, sim.NemesisDuplicate, sim.NemesisPartitionLeader), Mix: MixCycle, Ops: 600}, 0, nil, 300},
		{"a gateway's numbers restart after a crash", "timeouts-are-unknown", "fixed",
			Options{Nemesis: n(sim.NemesisCrash, sim.NemesisDelay), Mix: MixCycle}, 0, nil, 300},
		{"duplicated appends and forwards", "stale-leader-reads", "fixed",
			Options{Nemesis: n(sim.NemesisDelay, sim.NemesisDuplicate, sim.NemesisPartitionLeader), Mix: MixCycle, Ops: 600}, 0, nil, 300},
		{"duplicated appends and forwards", "unclean-election", "fixed",
			Options{Nemesis: n(sim.NemesisDelay, sim.NemesisDuplicate, sim.NemesisPartitionLeader), Mix: MixCycle, Ops: 600}, 0, nil, 300},
		{"operation ids reused after a restart", "sloppy-quorums", "fixed",
			Options{Nemesis: n(sim.NemesisCrash, sim.NemesisDelay), Mix: MixCycle}, 0, nil, 600},
		{"forwarded writes with three nodes", "fsync-lies", "fixed",
			Options{Nodes: 3, Nemesis: n(sim.NemesisCrash, sim.NemesisDelay, sim.NemesisDuplicate), Mix: MixCycle}, 0, nil, 300},
		{"a retried compare-and-set applied twice", "raft-capstone", "raft",
			Options{}, 2, nil, 300},
		// Found by the torture test: a forward the network duplicated, the
		// first copy refused definitely, the second appended.
		{"a refused forward's copy carried out", "async-failover", "fixed",
			Options{Nodes: 5, Ops: 600, Nemesis: n(sim.NemesisLoss, sim.NemesisDuplicate, sim.NemesisDelay)}, 0, []uint64{38}, 0},
		{"a refused forward's copy carried out", "unclean-election", "fixed",
			Options{Nodes: 5, Ops: 600, Nemesis: n(sim.NemesisLoss, sim.NemesisDuplicate, sim.NemesisDelay)}, 0, []uint64{2, 20, 38}, 0},
		// Found by the torture test: a storage write the network
		// duplicated, carried out, its answer lost; the copy, behind a
		// newer token, refused, and the add reported failed.
		{"a write carried out, its copy refused", "lease-locks", "fixed",
			Options{Nodes: 5, Ops: 600, Nemesis: n(sim.NemesisLoss, sim.NemesisDuplicate, sim.NemesisDelay)}, 0, []uint64{122}, 0},
	}
	for _, c := range cases {
		t.Run(c.lesson+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			l, err := Get(c.lesson)
			if err != nil {
				t.Fatal(err)
			}
			seeds := append([]uint64{}, c.seeds...)
			to := min(sweep(3, 3, c.upTo), c.upTo)
			for s := uint64(1); s <= to; s++ {
				seeds = append(seeds, s)
			}
			for _, seed := range seeds {
				o := c.o
				o.Variant, o.Seed = c.variant, seed
				sc, err := l.Scenario(o)
				if err != nil {
					t.Fatal(err)
				}
				if c.retries > 0 {
					sc.Config.Client.Retries = c.retries
				}
				s, _, err := Run(sc)
				if err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				r, err := l.Check(context.Background(), s.History(), checker.Options{VerdictOnly: true})
				if err != nil || r.Verdict != checker.Linearizable {
					t.Errorf("seed %d: %s %v", seed, r.Verdict, err)
				}
			}
			t.Log(fmt.Sprintf("%d seeds hold", len(seeds)))
		})
	}
}
