package lessons

import (
	"context"
	"github.com/faultline-lab/faultline/checker"
	"os"
	"testing"
)

func raftLesson(tb testing.TB) *Lesson {
	tb.Helper()
	l, err := Get("raft-capstone")
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// The correct Raft survives every fault at once: seeds 1–200 here, 1–1000
// with FAULTLINE_LONG=1.
func TestRaftCapstoneCorrectSurvives(t *testing.T) {
	l := raftLesson(t)
	to := uint64(200)
	if os.Getenv("FAULTLINE_LONG") == "1" {
		to = 1000
	}
	for _, v := range []string{"raft", "fixed"} {
		r := Hunt(context.Background(), l, Options{Variant: v}, 1, to, 0, 0)
		if len(r.Failing) > 0 || len(r.Unknown) > 0 || len(r.Errors) > 0 {
			t.Errorf("%s over seeds 1–%d: failing %v, unknown %v, errors %v", v, to, r.Failing, r.Unknown, r.Errors)
		}
	}
}

// Every switch breaks the Raft in a way the checker catches within seeds
// 1–200. The log shows how many of the 200 seeds fail.
func TestRaftCapstoneEverySwitchIsCaught(t *testing.T) {
	l := raftLesson(t)
	if l.DefaultVariant() != "raft" || !l.HasFix() {
		t.Fatalf("default variant %q, fixed present %v: want the correct raft as default and a fixed variant", l.DefaultVariant(), l.HasFix())
	}
	for _, v := range l.Variants() {
		if v.Name == "raft" || v.Name == "fixed" {
			continue
		}
		r := Hunt(context.Background(), l, Options{Variant: v.Name}, 1, 200, 0, 0)
		if len(r.Errors) > 0 {
			t.Errorf("%s: run errors %v", v.Name, r.Errors)
		}
		if len(r.Failing) == 0 {
			t.Errorf("%s: no failing seed in 1–200", v.Name)
			continue
		}
		t.Logf("%-24s fails %3d of 200 seeds (first %d)", v.Name, len(r.Failing), r.Failing[0])
	}
}

// The default run is what DESIGN.md promises: a few hundred operations, 5
// nodes, 10–30 s of virtual time, and a cluster view worth looking at.
func TestRaftCapstoneDefaultRunShape(t *testing.T) {
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

// Seed 15 of no-sessions is what sessions prevent: process 4's
// compare-and-set of z from 3 to 4 times out while n1 cannot commit, and
// the client library sends it again; both copies commit, the first
// changes 3 to 4, the second finds 4 and answers the retry "mismatch".
// The client is told its compare failed, and then reads the 4 it wrote.
// With sessions the copy is answered from the first one's record: ok.
func TestRaftCapstoneNoSessionsSeed15IsTheTextsStory(t *testing.T) {
	_, lines := tdTrace(t, "raft-capstone", "no-sessions", 15)
	tdInOrder(t, lines,
		"invoke    c5→n1 cas z [3 4]",
		"send      #438 c5→n1 cas z [3 4]",
		"n1→c5 ok [3 4]",
		"n1→c5 error mismatch",
		"complete  c5→n1 fail cas [3 4] (mismatch)",
		"complete  c5→n1 ok read 4")
	_, res := runSeed(t, "raft-capstone", "raft", 15)
	if res.Verdict != checker.Linearizable {
		t.Fatalf("raft, with sessions: %s", res.Verdict)
	}
}
