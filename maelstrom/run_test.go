package maelstrom

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/internal/testkit"
	"github.com/faultline-lab/faultline/sim"
)

func TestEchoAndUniqueIDsEndToEnd(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, "echo", example(t, "hello"))
	cfg.TimeLimit = time.Second
	out, res := runToEnd(t, cfg)
	mustBeValid(t, out, res)
	cfg = testConfig(t, "unique-ids", example(t, "hello"))
	cfg.TimeLimit = 1500 * time.Millisecond
	cfg.Faults = halfSecondFaults(t, "crash", "pause")
	out, res = runToEnd(t, cfg)
	mustBeValid(t, out, res)
	if len(out.Applied) < 4 {
		t.Fatalf("faults applied: %v", faultLines(out))
	}
}

// The correct lin-kv example survives every fault it says it tolerates,
// one after another: the cluster's faults in one run, the network's in
// another beside it.
func TestLinKVLeaderIsLinearizableUnderFaults(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kinds []string
		did   func(Stats) bool
	}{
		{[]string{"partition", "pause", "loss"}, func(s Stats) bool { return s.Dropped > 0 }},
		{[]string{"duplicate", "delay"}, func(s Stats) bool { return s.Duplicated > 0 && s.Delayed > 0 }},
	} {
		t.Run(strings.Join(c.kinds, ","), func(t *testing.T) {
			t.Parallel()
			cfg := testConfig(t, "lin-kv", example(t, "kv"))
			cfg.Nodes, cfg.TimeLimit = 5, time.Duration(len(c.kinds))*time.Second
			cfg.Faults = quickFaults(t, c.kinds...)
			out, res := runToEnd(t, cfg)
			mustBeValid(t, out, res)
			if !c.did(out.Stats) {
				t.Fatalf("the faults did nothing: %+v", out.Stats)
			}
		})
	}
}

// The buggy lin-kv example (reads from each node's own copy) is caught
// within a few seeds.
func TestLinKVLocalReadsAreCaught(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 5; seed++ {
		cfg := testConfig(t, "lin-kv", example(t, "kv"), "-local-reads")
		cfg.Nodes, cfg.Rate, cfg.Seed = 5, 200, seed
		cfg.Faults = quickFaults(t, "partition")
		_, res := runToEnd(t, cfg)
		if res.Verdict == Invalid {
			t.Logf("seed %d caught it: %s", seed, res.Anomaly)
			return
		}
	}
	t.Fatal("five seeds of the local-reads node under partitions were all linearizable")
}

func TestBroadcastEndToEnd(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, "broadcast", example(t, "broadcast"))
	cfg.Nodes, cfg.TimeLimit, cfg.Recovery = 5, 2*time.Second, 1500*time.Millisecond
	cfg.Faults = halfSecondFaults(t, "partition", "crash", "loss")
	out, res := runToEnd(t, cfg)
	mustBeValid(t, out, res)
	if out.FinalFrom < 0 || out.Stats.NodeMessages == 0 {
		t.Fatalf("no final reads (%d) or no gossip (%+v)", out.FinalFrom, out.Stats)
	}
}

func TestGCounterOnSeqKVInPython(t *testing.T) {
	t.Parallel()
	py := python(t)
	cfg := testConfig(t, "g-counter", py, "../examples/nodes/python/g_counter.py")
	cfg.Faults = quickFaults(t, "partition", "crash")
	out, res := runToEnd(t, cfg)
	mustBeValid(t, out, res)
	if out.Stats.ServiceMessages == 0 {
		t.Fatal("the node never used seq-kv")
	}
}

// Reading seq-kv without first writing to it reads the past: the
// Gossip Glomers' classic g-counter bug is caught within a few seeds.
// Seed 3 goes first: it is the one that caught the bug when this was
// written (real time makes no seed certain, so the others follow).
func TestGCounterWithoutSyncIsCaught(t *testing.T) {
	t.Parallel()
	py := python(t)
	if !testkit.Long() {
		// Real time decides whether a read lands on a past state, and on a
		// busy machine five seeds all missed it (twice in one CI run): the
		// catch is held in long mode only. The parts are held always:
		// seq-kv serving stale reads (TestSeqKVIsSequentialNotLinearizable) and
		// the g-counter checker on stale final reads (TestCheckGCounter).
		t.Skip("a timing-dependent catch: FAULTLINE_LONG=1 runs it")
	}
	for _, seed := range []uint64{3, 1, 2, 4, 5} {
		cfg := testConfig(t, "g-counter", py, "../examples/nodes/python/g_counter.py", "--no-sync")
		cfg.Seed = seed
		if _, res := runToEnd(t, cfg); res.Verdict == Invalid {
			t.Logf("seed %d caught it: %s", seed, res.Anomaly)
			return
		}
	}
	t.Fatal("five seeds of the g-counter that reads seq-kv without a write first were all valid")
}

// nodeError runs a node that breaks the protocol and returns the error.
func nodeError(t *testing.T, cfg Config) *NodeError {
	t.Helper()
	cfg.InitTimeout, cfg.Nodes = time.Second, 1
	r, err := Start(context.Background(), cfg, Options{})
	if err == nil {
		_, err = r.Wait()
	}
	var ne *NodeError
	if !errors.As(err, &ne) {
		t.Fatalf("got %v, want a *NodeError", err)
	}
	if _, statErr := os.Stat(ne.Log); ne.Log != "" && statErr != nil {
		t.Errorf("its log %s does not exist: %v", ne.Log, statErr)
	}
	return ne
}

func wantNodeError(t *testing.T, ne *NodeError, node string, wants ...string) {
	t.Helper()
	msg := ne.Error()
	if ne.Node != node || !strings.Contains(msg, "node "+node+" ") || !strings.Contains(msg, ne.Log) {
		t.Errorf("the message does not name %s and its log: %s", node, msg)
	}
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("the message lacks %q: %s", w, msg)
		}
	}
}

func TestNodesThatBreakTheProtocol(t *testing.T) {
	t.Parallel()
	hello := example(t, "hello")
	t.Run("not found", func(t *testing.T) {
		ne := nodeError(t, testConfig(t, "echo", "./no-such-node"))
		wantNodeError(t, ne, "n1", "could not be started", "no-such-node")
	})
	t.Run("exits at once", func(t *testing.T) {
		ne := nodeError(t, testConfig(t, "echo", "sh", "-c", "echo 'cannot open config' >&2; exit 3"))
		wantNodeError(t, ne, "n1", "exited before answering init", "exit status 3", "cannot open config")
	})
	t.Run("non-JSON on stdout", func(t *testing.T) {
		ne := nodeError(t, testConfig(t, "echo", "sh", "-c", "echo 'Starting node...'; sleep 10"))
		wantNodeError(t, ne, "n1", "not a Maelstrom message", `"Starting node..."`, "log to stderr")
	})
	t.Run("never answers init", func(t *testing.T) {
		ne := nodeError(t, testConfig(t, "echo", "sh", "-c", "echo waiting >&2; sleep 10"))
		wantNodeError(t, ne, "n1", "did not answer init", "wrote nothing to stdout", "waiting")
	})
	t.Run("wrong in_reply_to", func(t *testing.T) {
		ne := nodeError(t, testConfig(t, "echo", "sh", "-c", `read l; echo '{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":99}}'; sleep 10`))
		wantNodeError(t, ne, "n1", "wrong in_reply_to", "99")
	})
	t.Run("unknown src", func(t *testing.T) {
		ne := nodeError(t, testConfig(t, "echo", "sh", "-c", `read l; echo '{"src":"n7","dest":"c0","body":{"type":"init_ok","in_reply_to":1}}'; sleep 10`))
		wantNodeError(t, ne, "n1", "unknown source", `"src" is "n7"`)
	})
	t.Run("exits during the run", func(t *testing.T) {
		// A shell that runs the node in the background (handing it its
		// stdin and stdout), then exits: the node's child keeps stdout
		// open, and the exit is noticed all the same.
		cfg := testConfig(t, "echo", "sh", "-c", `exec 3<&0; "$0" <&3 & sleep 1; echo 'giving up' >&2; exit 4`, hello)
		ne := nodeError(t, cfg)
		wantNodeError(t, ne, "n1", "exited", "exit status 4", "giving up")
	})
}

// pidNode runs hello behind a shell that records its pid and starts a
// child of its own (a sleep, in its process group) first.
func pidNode(t *testing.T, pids string) []string {
	return []string{"sh", "-c", `echo $$ >> "$0"; sleep 1000 & echo $! >> "$0"; exec "$1"`, pids, example(t, "hello")}
}

// PIDs reads the recorded pids.
func PIDs(t testing.TB, path string) []int {
	t.Helper()
	b, _ := os.ReadFile(path)
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// AllGone fails unless every pid is gone within 5 s.
func AllGone(t testing.TB, pids []int) {
	t.Helper()
	if p := WaitGone(pids, 5*time.Second); p != 0 {
		t.Fatalf("process %d is still running", p)
	}
}

func TestNothingOutlivesARun(t *testing.T) {
	t.Parallel()
	pids := filepath.Join(t.TempDir(), "pids")
	cfg := testConfig(t, "echo", pidNode(t, pids)...)
	cfg.TimeLimit = time.Second
	cfg.Faults = quickFaults(t, "crash") // a crash and a restart: two processes for one node
	runToEnd(t, cfg)
	got := PIDs(t, pids)
	if len(got) < 2*cfg.Nodes+2 {
		t.Fatalf("recorded %d pids, want at least %d", len(got), 2*cfg.Nodes+2)
	}
	AllGone(t, got)
}

func TestAbortStopsEveryProcess(t *testing.T) {
	t.Parallel()
	pids := filepath.Join(t.TempDir(), "pids")
	cfg := testConfig(t, "echo", pidNode(t, pids)...)
	cfg.TimeLimit = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	r, err := Start(ctx, cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	r.Inject(sim.Fault{Kind: sim.FaultPause, Nodes: []string{"n2"}}) // a stopped process must die too
	cancel()
	select {
	case <-r.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not end after its context was cancelled")
	}
	out, err := r.Wait()
	if err != nil || !out.Interrupted {
		t.Fatalf("Wait after abort: interrupted %v, %v", out.Interrupted, err)
	}
	AllGone(t, PIDs(t, pids))
}

func TestEventsInjectAndStop(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, "broadcast", example(t, "broadcast"))
	cfg.TimeLimit, cfg.Recovery = time.Minute, 300*time.Millisecond
	events := make(chan Event, 1<<16)
	r, err := Start(context.Background(), cfg, Options{Events: events})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := r.Inject(sim.Fault{Kind: sim.FaultClockSkew, DeltaNs: 1e9}); !errors.Is(err, ErrClock) {
		t.Fatalf("a clock fault: %v, want ErrClock", err)
	}
	a, err := r.Inject(sim.Fault{Kind: sim.FaultPartition, Shape: sim.ShapeOne, Nodes: []string{"n2"}})
	if err != nil || !strings.Contains(a.Desc, "{n2}") {
		t.Fatalf("inject: %v %q", err, a.Desc)
	}
	if v := r.Cluster(); v[1].Group == v[0].Group || !v[0].Up {
		t.Fatalf("cluster after isolating n2: %+v", v)
	}
	time.Sleep(300 * time.Millisecond)
	r.Stop()
	select {
	case <-r.Done():
	case <-time.After(15 * time.Second):
		t.Fatal("Stop did not end the run")
	}
	out, err := r.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if out.ElapsedNs > int64(10*time.Second) || out.FinalFrom < 0 {
		t.Fatalf("stopped run took %v, final reads from %d", time.Duration(out.ElapsedNs), out.FinalFrom)
	}
	if s := r.Schedule(); len(s.Faults) != 1 || !s.Faults[0].Live {
		t.Fatalf("schedule %+v, want the live partition", s)
	}
	kinds := map[sim.TraceKind]int{}
	close(events)
	for e := range events {
		kinds[e.Kind]++
		if e.Kind == sim.TraceSend && e.Body == nil {
			t.Fatal("a send event without a body")
		}
	}
	for _, k := range []sim.TraceKind{sim.TraceSend, sim.TraceDeliver, sim.TraceDrop, sim.TraceInvoke, sim.TraceComplete, sim.TraceFault, sim.TraceLog} {
		if kinds[k] == 0 {
			t.Errorf("no %s events (%v)", k, kinds)
		}
	}
}

func TestScenarioRoundTrip(t *testing.T) {
	t.Parallel()
	var cfg Config
	if py, err := pythonPath(); err == nil {
		cfg = testConfig(t, "g-counter", py, "../examples/nodes/python/g_counter.py")
	} else {
		cfg = testConfig(t, "echo", example(t, "hello"))
	}
	cfg.TimeLimit = time.Second
	cfg.Faults = quickFaults(t, "partition")
	r, out := startAndWait(t, cfg)
	sc := r.Scenario(out)
	var b strings.Builder
	if err := WriteScenario(&b, sc); err != nil {
		t.Fatal(err)
	}
	back, err := ReadScenario([]byte(b.String()), "run.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(back.History) != len(out.History) || back.FinalFrom != out.FinalFrom || back.Config.Seed != cfg.Seed || len(back.Applied) != len(out.Applied) {
		t.Fatalf("round trip lost something: %d/%d records, final %d/%d", len(back.History), len(out.History), back.FinalFrom, out.FinalFrom)
	}
	a, _ := Check(context.Background(), cfg.Workload, out.History, out.FinalFrom, 0)
	c, _ := Check(context.Background(), back.Config.Workload, back.History, back.FinalFrom, 0)
	if a.Verdict != c.Verdict || a.Ops != c.Ops {
		t.Fatalf("re-check gave %s on %d ops, the run %s on %d", c.Verdict, c.Ops, a.Verdict, a.Ops)
	}
}

func TestConfigRefusesClockFaults(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, "echo", "true")
	cfg.Nemesis = []string{"partition", "clock"}
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "clock faults cannot be imposed") {
		t.Fatalf("validate: %v", err)
	}
	for _, k := range NemesisNames() {
		if strings.HasPrefix(k, "clock") {
			t.Errorf("NemesisNames offers %s", k)
		}
	}
}
