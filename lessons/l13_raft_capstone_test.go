package lessons

import (
	"context"
	"fmt"
	"testing"

	"github.com/faultline-lab/faultline/checker"
)

func raftLesson(tb testing.TB) *Lesson {
	tb.Helper()
	l, err := Get("raft-capstone")
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// The correct Raft survives every fault at once: the kit's sweep
// (correctSeeds), 1–1000 with FAULTLINE_LONG=1 (the hunts are shared with
// the lesson kit).
func TestRaftCapstoneCorrectSurvives(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"raft", "fixed"} {
		assertPasses(t, "raft-capstone", v)
	}
}

// Every switch breaks the Raft in a way the checker catches within seeds
// 1–200. The log shows the first failing seed of each.
func TestRaftCapstoneEverySwitchIsCaught(t *testing.T) {
	t.Parallel()
	l := raftLesson(t)
	if l.DefaultVariant() != "raft" || !l.HasFix() {
		t.Fatalf("default variant %q, fixed present %v: want the correct raft as default and a fixed variant", l.DefaultVariant(), l.HasFix())
	}
	for _, v := range l.Buggy() {
		t.Logf("%-24s first fails on seed %d", v, firstFailing(t, l.ID, v))
	}
}

// The default run is what docs/tui.md promises: a few hundred operations, 5
// nodes, 10–30 s of virtual time, and a cluster view worth looking at.
func TestRaftCapstoneDefaultRunShape(t *testing.T) {
	t.Parallel()
	l := raftLesson(t)
	sc, err := l.Scenario(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Run(sc)
	if err != nil {
		t.Fatal(err)
	}
	if sec := float64(s.Now()) / 1e9; sec < 10 || sec > 30 {
		t.Errorf("virtual duration %.1f s, want 10–30 s", sec)
	}
	ok := 0
	for _, o := range s.History() {
		if o.Type == "ok" {
			ok++
		}
	}
	if ok < 50 {
		t.Errorf("only %d operations succeeded", ok)
	}
	leaders := 0
	for _, v := range s.Cluster() {
		if v.Status.Role == "leader" {
			leaders++
			if v.Status.Term < 1 || v.Status.Value == "" || v.Status.Detail == "" {
				t.Errorf("leader status lacks term, value or detail: %+v", v.Status)
			}
		}
	}
	if leaders != 1 {
		t.Errorf("%d leaders at the end of a healed run, want 1", leaders)
	}
}

var _ = tellsStory("raft-capstone", TestRaftCapstoneDefaultRunShape) // the text narrates no seed: this test holds what it says of the default run

// BenchmarkHunt1000_RaftCapstone is `faultline hunt --lesson raft-capstone
// --seeds 1-1000`: every seed run and checked, on all CPUs.
func BenchmarkHunt1000_RaftCapstone(b *testing.B) {
	l := raftLesson(b)
	for i := 0; i < b.N; i++ {
		r := Hunt(context.Background(), l, Options{}, 1, 1000, 0, 0)
		if r.Tried != 1000 || len(r.Failing) > 0 || len(r.Errors) > 0 {
			b.Fatalf("tried %d, failing %v, errors %v", r.Tried, r.Failing, r.Errors)
		}
	}
}

// BenchmarkRaftRunLength runs lesson 13's default scenario at 5,000,
// 20,000 and 100,000 operations (issue 15: the cost of a run grows
// linearly with its length): compare ns/client-op across the sizes.
// Snapshots keep each node's log at most CompactEvery entries past its
// last snapshot, so neither memory nor a restart's replay grows with it.
func BenchmarkRaftRunLength(b *testing.B) {
	l := raftLesson(b)
	for _, ops := range []int{5_000, 20_000, 100_000} {
		b.Run(fmt.Sprint(ops), func(b *testing.B) {
			sc, err := l.Scenario(Options{Seed: 1, Ops: ops})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := Run(sc); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*ops), "ns/client-op")
		})
	}
}

// Seed 9 of no-sessions is what sessions prevent: process 2's
// compare-and-set of z from 4 to 5 times out while n1 cannot commit, and
// the client library sends it again; both copies commit, the first
// changes 4 to 5, the second finds 5 and answers the retry "mismatch".
// The client is told its compare failed, for an operation that happened.
// With sessions the copy is answered from the first one's record: ok.
func TestRaftCapstoneNoSessionsSeed9IsTheTextsStory(t *testing.T) {
	t.Parallel()
	_, lines := tdTrace(t, "raft-capstone", "no-sessions", 9)
	tdInOrder(t, lines,
		"complete  c3→n1 ok write 4",
		"invoke    c3→n1 cas z [4 5]",
		"send      #395 c3→n1 cas z [4 5]",
		"n1→c3 ok [4 5]",
		"n1→c3 error mismatch",
		"complete  c3→n1 fail cas [4 5] (mismatch)")
	_, res := runSeed(t, "raft-capstone", "no-sessions", 9)
	if res.Anomaly != checker.AnomalyFalseCASFailure {
		t.Errorf("no-sessions: anomaly %q", res.Anomaly)
	}
	_, res = runSeed(t, "raft-capstone", "raft", 9)
	if res.Verdict != checker.Linearizable {
		t.Fatalf("raft, with sessions: %s", res.Verdict)
	}
}
