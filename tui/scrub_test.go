package tui

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

func TestScrubShowsTheClusterAsItWas(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = press(t, m, "esc", "r")
	m = frames(t, m, 20)
	m = press(t, m, "down", "k") // crash n2 live: the re-simulation must replay it
	m = playToEnd(t, m)
	m = pressSettle(t, m, "t")
	l := m.lesson
	sc := l.play.run.scenario()
	var crashAt, healAt int64 = -1, -1
	for _, a := range l.play.run.s.Applied() {
		switch {
		case a.Fault.Live:
			crashAt = a.Time
		case crashAt >= 0 && healAt < 0 && (a.Fault.Kind == sim.FaultHealAll || a.Fault.Kind == sim.FaultRestart):
			healAt = a.Time
		}
	}
	if crashAt < 0 || healAt < 0 {
		t.Fatalf("the run has no live crash and heal: %v", l.play.run.s.Applied())
	}
	for _, at := range []int64{crashAt + 50_000_000, crashAt / 2, l.play.run.s.Now() / 2, crashAt + 1_000_000} {
		l.explore.moment = at
		m = settle(t, m, l.explore.syncCmd(l.explorerInput())) // what every Update does: ask for the cluster at the moment
		got := l.explore.look.scrub
		if !got.has || got.at != at || got.err != "" {
			t.Fatalf("scrub to %d: has %v at %d err %q", at, got.has, got.at, got.err)
		}
		s, _, err := lessons.Start(sc)
		if err != nil {
			t.Fatal(err)
		}
		s.RunUntil(at)
		s.CatchUp(at)
		if want, have := fmt.Sprint(s.Cluster()), fmt.Sprint(got.snap.nodes); want != have {
			t.Errorf("cluster at %d:\n got %s\nwant %s", at, have, want)
		}
		if down := !got.snap.nodes[1].Up; down != (at >= crashAt && at < healAt) {
			t.Errorf("at %d (n2 crashed at %d) n2 down=%v", at, crashAt, down)
		}
	}
	if n := len(l.explore.look.scrub.pool); n == 0 || n > scrubCheckpoints {
		t.Errorf("%d checkpoints kept, want 1–%d", n, scrubCheckpoints)
	}
	v := plain(m.View())
	if want := "cluster at " + fmtTime(crashAt+1_000_000, 3); !bytes.Contains([]byte(v), []byte(want)) {
		t.Errorf("the view does not show %q:\n%s", want, v)
	}
}

func TestScrubReplaysTheRunExactly(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = press(t, m, "esc", "r")
	m = frames(t, m, 15)
	m = press(t, m, "p", "z")
	m = playToEnd(t, m)
	l := m.lesson
	var sc scrubState
	cmd := sc.request(l.play.run, l.play.run.s.Now())
	msg := cmd().(scrubDoneMsg)
	if msg.err != nil {
		t.Fatal(msg.err)
	}
	var a, b bytes.Buffer
	history.WriteJSONL(&a, l.play.run.s.History())
	history.WriteJSONL(&b, msg.s.History())
	if a.String() != b.String() {
		t.Error("re-simulating the run's scenario gave another history: scrubbing would show another past")
	}
	// A later request continues the checkpoint instead of starting over.
	sc.finish(msg, l.play.run)
	if len(sc.pool) != 1 || sc.take(l.play.run.s.Now()) == nil {
		t.Error("the finished simulation was not kept as a checkpoint")
	}
	// Requests while one runs: only the latest follows it.
	sc = scrubState{}
	first := sc.request(l.play.run, 1_000_000)
	if sc.request(l.play.run, 2_000_000) != nil || sc.request(l.play.run, 3_000_000) != nil {
		t.Error("a second re-simulation started while one was running")
	}
	next := sc.finish(first().(scrubDoneMsg), l.play.run)
	if next == nil {
		t.Fatal("the latest moment asked for was not simulated next")
	}
	if done := next().(scrubDoneMsg); done.at != 3_000_000 {
		t.Errorf("simulated %d next, want the latest moment asked for", done.at)
	}
}
