package sim

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// The helpers below serve every test of the package.

// regNode is a test register: writes go to disk unsynced unless sync is
// set; it pings its peers every 100 ms so network faults show in the trace.
type regNode struct {
	sync   bool
	value  any
	pings  int
	timers int
	clock  int64 // local clock at the last message
}

type ping struct{ N int }

func (ping) Type() string { return "ping" }

func (n *regNode) Start(env *Env) {
	n.value, _ = env.Disk().Get("v")
	env.SetTimer(100_000_000, "tick")
}

func (n *regNode) Handle(env *Env, m Message) {
	n.clock = env.Now()
	switch b := m.Body.(type) {
	case ping:
		n.pings++
	case ClientRequest:
		switch b.F {
		case "read":
			env.ReplyOK(m, n.value)
		case "write":
			n.value = b.Value
			env.Disk().Put("v", b.Value)
			if n.sync {
				env.Disk().Sync()
			}
			env.ReplyOK(m, b.Value)
		}
	}
}

func (n *regNode) Timer(env *Env, tag any) {
	n.timers++
	for _, p := range env.Peers() {
		env.Send(p, ping{})
	}
	env.SetTimer(100_000_000, "tick")
}

func (n *regNode) Status() Status { return Status{Role: "replica", Value: history.Format(n.value)} }

type regGen struct{ final bool }

func (regGen) Next(rng *rand.Rand, _ int64) Request {
	if rng.IntN(2) == 0 {
		return Request{F: "read"}
	}
	return Request{F: "write", Value: rng.Int64N(5)}
}

func (g regGen) Final() []Request {
	if g.final {
		return []Request{{F: "read"}}
	}
	return nil
}

func testConfig() Config {
	c := DefaultConfig()
	c.Ops = 100
	return c
}

func newTestSim(t *testing.T, seed uint64, cfg Config, sched Schedule) *Sim {
	t.Helper()
	s, err := New(seed, cfg, sched, func(string) Node { return &regNode{} }, regGen{final: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func render(s *Sim) string {
	var b bytes.Buffer
	history.WriteJSONL(&b, s.History())
	for _, e := range s.Trace() {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}

var everyFault = Schedule{Faults: []Fault{
	{At: 200_000_000, Kind: FaultPartition, Shape: ShapeHalves},
	{At: 400_000_000, Kind: FaultHeal},
	{At: 500_000_000, Kind: FaultCrash},
	{At: 700_000_000, Kind: FaultRestart, Target: "all"},
	{At: 800_000_000, Kind: FaultPause},
	{At: 1_000_000_000, Kind: FaultResume, Target: "all"},
	{At: 1_100_000_000, Kind: FaultClockStrobe, DeltaNs: 1e9, PeriodNs: 5e7},
	{At: 1_200_000_000, Kind: FaultLoss, Probability: 0.3},
	{At: 1_300_000_000, Kind: FaultDuplicate, Probability: 0.3},
	{At: 1_400_000_000, Kind: FaultDelay, DelayNs: 50_000_000},
	{At: 1_500_000_000, Kind: FaultPartition, Shape: ShapeRing},
	{At: 1_600_000_000, Kind: FaultPartition, Shape: ShapeBridge},
	{At: 1_700_000_000, Kind: FaultHealAll},
}, CycleNs: 2_000_000_000}

func countTrace(s *Sim, kind TraceKind, detail string) int {
	n := 0
	for _, e := range s.Trace() {
		if e.Kind == kind && (detail == "" || e.Detail == detail) {
			n++
		}
	}
	return n
}

// blackhole never answers, so every client operation times out.
type blackhole struct{}

func (blackhole) Start(*Env)           {}
func (blackhole) Handle(*Env, Message) {}
func (blackhole) Timer(*Env, any)      {}
func (blackhole) Status() Status       { return Status{} }
func newBlackhole(string) Node         { return blackhole{} }
func opsOf(h history.History, t history.Type) int {
	n := 0
	for _, o := range h {
		if o.Type == t {
			n++
		}
	}
	return n
}

func mixSim(t *testing.T, seed uint64, nodes, ops int, factory NodeFactory, kinds []Nemesis, density float64) *Sim {
	t.Helper()
	cfg := testConfig()
	cfg.Nodes, cfg.Ops = nodes, ops
	sched, err := MixSchedule(kinds, density)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(seed, cfg, sched, factory, regGen{final: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newReg(string) Node { return &regNode{} }

// occurrence is one start of a mix kind and its undo.
type occurrence struct {
	on, off AppliedFault
	ended   bool
}

func occurrences(s *Sim) map[Owner][]occurrence {
	out := map[Owner][]occurrence{}
	for _, a := range s.Applied() {
		if a.Owner < OwnerMix {
			continue
		}
		occ := out[a.Owner]
		if n := len(occ); n > 0 && !occ[n-1].ended {
			occ[n-1].off, occ[n-1].ended = a, true
		} else {
			occ = append(occ, occurrence{on: a})
		}
		out[a.Owner] = occ
	}
	return out
}
