package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

func TestDeterministicAcrossSeeds(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Nodes = 5
	for seed := uint64(1); seed <= 30; seed++ {
		a, b := newTestSim(t, seed, cfg, everyFault), newTestSim(t, seed, cfg, everyFault)
		if err := a.Run(); err != nil {
			t.Fatal(err)
		}
		b.Run()
		if ra, rb := render(a), render(b); ra != rb {
			t.Fatalf("seed %d: two runs differ", seed)
		}
	}
	x, y := newTestSim(t, 1, cfg, everyFault), newTestSim(t, 2, cfg, everyFault)
	x.Run()
	y.Run()
	if render(x) == render(y) {
		t.Fatal("seeds 1 and 2 gave the same run: the seed is not used")
	}
}

func TestRunCompletesEveryOperation(t *testing.T) {
	t.Parallel()
	s := newTestSim(t, 7, testConfig(), everyFault)
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	pairs, err := s.History().Pairs()
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 101 { // 100 ops and one final read
		t.Fatalf("got %d operations, want 101", len(pairs))
	}
	for _, p := range pairs {
		if p.Completion == nil {
			t.Fatalf("operation %v never completed", p.Invoke)
		}
	}
}

func TestCutLinkDrops(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	s := newTestSim(t, 1, cfg, Schedule{})
	s.RunUntil(150_000_000)
	if _, err := s.Inject(Fault{Kind: FaultPartition, Shape: ShapeGroups, Groups: [][]string{{"n1"}, {"n2", "n3"}}}); err != nil {
		t.Fatal(err)
	}
	if s.Reachable("n1", "n2") || s.Reachable("n2", "n1") || !s.Reachable("n2", "n3") {
		t.Fatal("the cut is not the one asked for")
	}
	before := len(s.Trace())
	s.RunUntil(600_000_000)
	drops, delivered := 0, 0
	for _, e := range s.Trace()[before:] {
		across := (e.Src == "n1") != (e.Dest == "n1") && strings.HasPrefix(e.Dest, "n") && strings.HasPrefix(e.Src, "n")
		if !across {
			continue
		}
		switch e.Kind {
		case TraceDrop:
			drops++
			if e.Detail != "partitioned" {
				t.Fatalf("drop for %q, want partitioned", e.Detail)
			}
		case TraceDeliver:
			delivered++
		}
	}
	if drops == 0 || delivered > 2 { // at most what was already in flight
		t.Fatalf("across the cut: %d dropped, %d delivered", drops, delivered)
	}
}

func TestPausedNodeHandlesNothingUntilResumed(t *testing.T) {
	t.Parallel()
	s := newTestSim(t, 3, testConfig(), Schedule{})
	s.RunUntil(150_000_000)
	s.Inject(Fault{Kind: FaultPause, Nodes: []string{"n2"}})
	mark := len(s.Trace())
	s.RunUntil(700_000_000)
	held := 0
	for _, e := range s.Trace()[mark:] {
		if (e.Kind == TraceDeliver && e.Dest == "n2") || (e.Kind == TraceTimer && e.Src == "n2") {
			t.Fatalf("paused n2 handled %v", e)
		}
		if e.Kind == TraceHold && e.Dest == "n2" {
			held++
		}
	}
	if held == 0 || s.Cluster()[1].Held == 0 || !s.Cluster()[1].Paused {
		t.Fatal("nothing waited for paused n2")
	}
	s.Inject(Fault{Kind: FaultResume, Nodes: []string{"n2"}})
	mark = len(s.Trace())
	s.RunUntil(s.Now() + 10_000_000)
	got := 0
	for _, e := range s.Trace()[mark:] {
		if e.Kind == TraceDeliver && e.Dest == "n2" {
			got++
		}
	}
	if got < held {
		t.Fatalf("after resume n2 got %d of %d held messages", got, held)
	}
}

func TestCrashLosesUnsyncedWrites(t *testing.T) {
	t.Parallel()
	for _, synced := range []bool{false, true} {
		cfg := testConfig()
		cfg.Nodes, cfg.Clients = 1, 1
		s, _ := New(1, cfg, Schedule{}, func(string) Node { return &regNode{sync: synced} }, regGen{})
		// Run until a write has been acknowledged.
		for s.Step() {
			if last := s.History()[len(s.History())-1]; last.Type == history.OK && last.F == "write" {
				break
			}
		}
		written := s.nodes[0].node.(*regNode).value
		s.Inject(Fault{Kind: FaultCrash, Nodes: []string{"n1"}})
		if s.Cluster()[0].Up {
			t.Fatal("n1 still up after crash")
		}
		s.Inject(Fault{Kind: FaultRestart, Nodes: []string{"n1"}})
		after := s.nodes[0].node.(*regNode).value
		if synced && after != written {
			t.Fatalf("synced write %v lost on crash: now %v", written, after)
		}
		if !synced && after != nil {
			t.Fatalf("unsynced write survived a crash: %v", after)
		}
	}
}

func TestSkewedClockReadsOff(t *testing.T) {
	t.Parallel()
	s := newTestSim(t, 1, testConfig(), Schedule{})
	s.RunUntil(100_000_000)
	s.Inject(Fault{Kind: FaultClockSkew, Nodes: []string{"n3"}, DeltaNs: 5_000_000_000})
	s.Inject(Fault{Kind: FaultClockJump, Nodes: []string{"n3"}, DeltaNs: -1_000_000_000})
	s.RunUntil(500_000_000)
	v := s.Cluster()
	if v[2].SkewNs != 4_000_000_000 || v[0].SkewNs != 0 {
		t.Fatalf("skews %d and %d, want 4s and 0", v[2].SkewNs, v[0].SkewNs)
	}
	n3 := s.nodes[2].node.(*regNode)
	if n3.clock < s.Now()+3_000_000_000 {
		t.Fatalf("n3's clock read %d at virtual %d: not skewed", n3.clock, s.Now())
	}
	s.Inject(Fault{Kind: FaultClockStrobe, Nodes: []string{"n1"}, DeltaNs: 1e9, PeriodNs: 1e8})
	seen := map[int64]bool{}
	for i := 0; i < 6; i++ {
		s.RunUntil(s.Now() + 50_000_000)
		seen[s.Cluster()[0].SkewNs] = true
	}
	if !seen[0] || !seen[1e9] {
		t.Fatalf("strobe did not flip n1's clock: %v", seen)
	}
	s.Inject(Fault{Kind: FaultClockReset})
	if s.Cluster()[2].SkewNs != 0 {
		t.Fatal("clock-reset left skew")
	}
}

func TestLossDuplicationDelay(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	loss := newTestSim(t, 1, cfg, Schedule{Faults: []Fault{{Kind: FaultLoss, Probability: 0.5}}})
	loss.Run()
	if countTrace(loss, TraceDrop, "lost") == 0 {
		t.Fatal("no message lost at 50% loss")
	}
	dup := newTestSim(t, 1, cfg, Schedule{Faults: []Fault{{Kind: FaultDuplicate, Probability: 0.5}}})
	dup.Run()
	if countTrace(dup, TraceDuplicate, "") == 0 {
		t.Fatal("no message duplicated")
	}
	// Delay: node-to-node latency grows past the configured maximum.
	slow := newTestSim(t, 1, cfg, Schedule{Faults: []Fault{{Kind: FaultDelay, DelayNs: 200_000_000}}})
	slow.Run()
	sent := map[int64]int64{}
	var longest int64
	for _, e := range slow.Trace() {
		switch e.Kind {
		case TraceSend:
			sent[e.MsgID] = e.Time
		case TraceDeliver:
			if strings.HasPrefix(e.Src, "n") && strings.HasPrefix(e.Dest, "n") {
				longest = max(longest, e.Time-sent[e.MsgID])
			}
		}
	}
	if longest <= cfg.LatencyMaxNs {
		t.Fatalf("longest node-to-node latency %d with delay on", longest)
	}
}

func TestPartitionShapes(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Nodes = 5
	for _, shape := range []Shape{ShapeOne, ShapeLeader, ShapeHalves, ShapeRing, ShapeBridge} {
		s := newTestSim(t, 9, cfg, Schedule{})
		s.RunUntil(1)
		s.Inject(Fault{Kind: FaultPartition, Shape: shape})
		ids := s.NodeIDs()
		hears := map[string][]string{}
		for _, a := range ids {
			for _, b := range ids {
				if s.Reachable(b, a) {
					hears[a] = append(hears[a], b)
				}
			}
		}
		switch shape {
		case ShapeRing:
			seen := map[string]bool{}
			for _, a := range ids {
				if len(hears[a]) != 3 {
					t.Fatalf("ring: %s hears %v, want a majority of 3", a, hears[a])
				}
				seen[fmt.Sprint(hears[a])] = true
			}
			if len(seen) != 5 {
				t.Fatalf("ring: majorities repeat: %v", hears)
			}
		case ShapeBridge:
			all := 0
			for _, a := range ids {
				if len(hears[a]) == 5 {
					all++
				}
			}
			if all != 1 {
				t.Fatalf("bridge: %d nodes hear everyone, want 1: %v", all, hears)
			}
		default:
			minority := 0
			for _, a := range ids {
				if len(hears[a]) < 3 {
					minority++
				}
			}
			if minority == 0 || minority > 2 {
				t.Fatalf("%s: %d nodes in the minority: %v", shape, minority, hears)
			}
		}
		s.Inject(Fault{Kind: FaultHeal})
		if s.PartitionShape() != "" || !s.Reachable("n1", "n5") {
			t.Fatalf("%s: heal left a cut", shape)
		}
	}
}

func TestTimeoutIsInfoAndProcessRetires(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Ops, cfg.Clients = 6, 2
	s, _ := New(1, cfg, Schedule{}, newBlackhole, regGen{})
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	h := s.History()
	if opsOf(h, history.Info) != 6 || opsOf(h, history.OK) != 0 {
		t.Fatalf("want 6 info completions: %v", h)
	}
	procs := map[history.Process]int{}
	for _, o := range h {
		procs[o.Process]++
		if o.Type == history.Info && o.Error != "timeout" {
			t.Fatalf("info without timeout error: %+v", o)
		}
	}
	for p, n := range procs {
		if n != 2 {
			t.Fatalf("process %v has %d records: a process must retire after a timeout", p, n)
		}
	}
	// The policy that calls a timeout a failure, and retries.
	cfg.Client = ClientPolicy{Retries: 2, TimeoutAsFail: true}
	s2, _ := New(1, cfg, Schedule{}, newBlackhole, regGen{})
	s2.Run()
	if opsOf(s2.History(), history.Fail) != 6 {
		t.Fatal("TimeoutAsFail did not record fail")
	}
	sends := 0
	for _, e := range s2.Trace() {
		if e.Kind == TraceSend && strings.HasPrefix(e.Src, "c") {
			sends++
		}
	}
	if sends != 18 {
		t.Fatalf("%d requests sent for 6 ops with 2 retries, want 18", sends)
	}
}

func TestLiveFaultsReplayExactly(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Nodes = 5
	s := newTestSim(t, 11, cfg, everyFault)
	s.RunUntil(333_333_333)
	s.Step()
	s.Inject(Fault{Kind: FaultCrash})
	s.Inject(Fault{Kind: FaultPartition, Shape: ShapeLeader})
	s.RunUntil(900_000_001)
	s.Inject(Fault{Kind: FaultClockJump, Target: "minority", DeltaNs: 3e9})
	s.Inject(Fault{Kind: FaultHealAll})
	s.Run()
	sched := s.Schedule()
	b, _ := json.Marshal(Scenario{Seed: 11, Config: cfg, Faults: sched})
	var sc Scenario
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatal(err)
	}
	sc.Config.Trace = true // the trace is an output, not part of a scenario
	r := newTestSim(t, sc.Seed, sc.Config, sc.Faults)
	r.Run()
	if render(r) != render(s) {
		t.Fatal("replaying the scenario with live faults gave a different run")
	}
}

func TestBoundsAreErrors(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.MaxEvents = 50
	s := newTestSim(t, 1, cfg, Schedule{})
	if err := s.Run(); !errors.Is(err, ErrBound) {
		t.Fatalf("got %v, want a bound error", err)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	t.Parallel()
	_, err := New(1, testConfig(), Schedule{Faults: []Fault{{Kind: FaultCrash, Nodes: []string{"n9"}}}}, newBlackhole, regGen{})
	if err == nil || !strings.Contains(err.Error(), "nodes") || !strings.Contains(err.Error(), "n9") {
		t.Fatalf("got %v", err)
	}
	_, err = New(1, testConfig(), Schedule{Faults: []Fault{{Kind: "meteor"}}}, newBlackhole, regGen{})
	if err == nil || !strings.Contains(err.Error(), "kind") {
		t.Fatalf("got %v", err)
	}
	bad := testConfig()
	bad.Nodes = 0
	if _, err := New(1, bad, Schedule{}, newBlackhole, regGen{}); err == nil {
		t.Fatal("zero nodes accepted")
	}
}

type panicky struct{ blackhole }

func (panicky) Handle(*Env, Message) { panic("toy bug") }

func TestNodePanicBecomesRunError(t *testing.T) {
	t.Parallel()
	s, _ := New(1, testConfig(), Schedule{}, func(string) Node { return panicky{} }, regGen{})
	err := s.Run()
	if err == nil || !strings.Contains(err.Error(), "toy bug") {
		t.Fatalf("got %v", err)
	}
}

// Live faults carried to another design replay at their virtual time, in
// order; the carried run's own schedule then replays it exactly by step.
func TestLiveFaultsReplayByTimeAgainstAnotherDesign(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Nodes = 5
	s := newTestSim(t, 11, cfg, everyFault)
	s.RunUntil(333_333_333)
	s.Inject(Fault{Kind: FaultCrash, Nodes: []string{"n2"}})
	s.Inject(Fault{Kind: FaultPartition, Shape: ShapeLeader})
	s.RunUntil(900_000_001)
	s.Inject(Fault{Kind: FaultClockJump, Nodes: []string{"n4"}, DeltaNs: 3e9})
	s.Run()
	liveAt := func(s *Sim) []string {
		var out []string
		for _, a := range s.Applied() {
			if a.Owner == OwnerLearner {
				out = append(out, fmt.Sprint(a.Time, " ", a.Fault.Kind))
			}
		}
		return out
	}
	carried := s.Schedule().ByTime()
	other, err := New(11, cfg, carried, func(string) Node { return &regNode{sync: true} }, regGen{final: true})
	if err != nil {
		t.Fatal(err)
	}
	other.Run()
	if fmt.Sprint(liveAt(other)) != fmt.Sprint(liveAt(s)) {
		t.Fatalf("carried live faults at %v, recorded at %v", liveAt(other), liveAt(s))
	}
	again, _ := New(11, cfg, other.Schedule(), func(string) Node { return &regNode{sync: true} }, regGen{final: true})
	again.Run()
	if render(again) != render(other) {
		t.Fatal("the carried run's own schedule does not replay it")
	}
	for _, f := range other.Schedule().Faults {
		if f.ByTime {
			t.Fatalf("a live fault still by time after the run: %+v", f)
		}
	}
}

// A learner's fault injected while a replay still has live faults to
// come does not skip them.
func TestInjectDuringAReplayKeepsTheFaultsToCome(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	s := newTestSim(t, 3, cfg, Schedule{})
	s.RunUntil(500_000_000)
	s.Inject(Fault{Kind: FaultPause, Nodes: []string{"n1"}})
	s.Run()
	r := newTestSim(t, 3, cfg, s.Schedule())
	r.RunUntil(100_000_000)
	r.Inject(Fault{Kind: FaultCrash, Nodes: []string{"n3"}})
	r.Run()
	var kinds []FaultKind
	for _, a := range r.Applied() {
		if a.Owner == OwnerLearner {
			kinds = append(kinds, a.Fault.Kind)
		}
	}
	if fmt.Sprint(kinds) != "[crash pause]" {
		t.Fatalf("the learner's faults in the replay: %v, want the injected crash and the recorded pause", kinds)
	}
	if live := r.Schedule().Live(); len(live) != 2 || live[0].Kind != FaultCrash || live[0].Step > live[1].Step {
		t.Fatalf("recorded live faults %+v", live)
	}
}

// A node hears whether its log lines are kept: in a run, as the trace is
// on or off; through a port that does not say (a test's fake), always.
func TestEnvTracingFollowsTheTrace(t *testing.T) {
	for _, on := range []bool{false, true} {
		cfg := testConfig()
		cfg.Trace = on
		s := newTestSim(t, 1, cfg, Schedule{})
		if got := s.nodes[0].env.Tracing(); got != on {
			t.Errorf("trace %v: Tracing() = %v", on, got)
		}
	}
	if !NewEnv(nil, "n1", []string{"n1"}, nil, NewDisk()).Tracing() {
		t.Error("a port that does not say: Tracing() = false, want true")
	}
}
