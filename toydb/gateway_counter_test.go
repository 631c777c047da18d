package toydb

import (
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// gcAddsThenRead adds 1 n times, then reads once after the faults heal.
type gcAddsThenRead struct{}

func (gcAddsThenRead) Next(*rand.Rand, int64) sim.Request {
	return sim.Request{F: "add", Value: int64(1)}
}
func (gcAddsThenRead) Final() []sim.Request { return []sim.Request{{F: "read"}} }

// counterTally sums a counter history: acknowledged adds, indeterminate
// adds, and the final read.
type counterTally struct{ ok, info, fail, final int64 }

func tallyCounter(t *testing.T, h history.History) counterTally {
	t.Helper()
	pairs, err := h.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	var c counterTally
	for _, p := range pairs {
		if p.Completion == nil {
			continue
		}
		d, _ := history.Int(p.Invoke.Value)
		switch {
		case p.Invoke.F == "read" && p.Completion.Type == history.OK:
			c.final, _ = history.Int(p.Completion.Value) // the last read wins
		case p.Invoke.F != "add":
		case p.Completion.Type == history.OK:
			c.ok += d
		case p.Completion.Type == history.Info:
			c.info += d
		default:
			c.fail += d
		}
	}
	return c
}

func runGC(t *testing.T, variant string, seed uint64, policy sim.ClientPolicy) counterTally {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Ops, cfg.Trace = 60, false
	cfg.Client = policy
	faults := sim.Schedule{Faults: []sim.Fault{
		{At: 100_000_000, Kind: sim.FaultDelay, DelayNs: 1_500_000_000},
	}}
	s, err := sim.New(seed, cfg, faults, GatewayCounter.New(variant), gcAddsThenRead{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(); err != nil {
		t.Fatal(err)
	}
	return tallyCounter(t, s.History())
}

// A blind retry over slow links adds twice: the final total exceeds every
// add the history admits, even counting each indeterminate one.
func TestGatewayCounterBlindRetriesDuplicate(t *testing.T) {
	dup := 0
	for seed := uint64(1); seed <= 10; seed++ {
		c := runGC(t, "blind-retry", seed, sim.ClientPolicy{Retries: 2})
		if c.final > c.ok+c.info {
			dup++
		}
	}
	if dup == 0 {
		t.Fatal("no seed of 10 applied a retried add twice")
	}
}

// With request ids, the total lies between the acknowledged adds and those
// plus the indeterminate ones, on every seed.
func TestGatewayCounterFixedAppliesEachRequestOnce(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		c := runGC(t, "fixed", seed, sim.ClientPolicy{Retries: 2})
		if c.final < c.ok || c.final > c.ok+c.info {
			t.Fatalf("seed %d: final %d outside [%d, %d]", seed, c.final, c.ok, c.ok+c.info)
		}
	}
}

// Calling a timeout a failure is a lie the total exposes: adds recorded as
// failed still counted.
func TestGatewayCounterTimeoutsAsFailuresHappened(t *testing.T) {
	c := runGC(t, "timeout-as-fail", 1, sim.ClientPolicy{Retries: 2, TimeoutAsFail: true})
	if c.fail == 0 || c.info != 0 {
		t.Fatalf("want failed adds and no info ones, got %+v", c)
	}
	if c.final <= c.ok {
		t.Fatalf("no failed add showed up in the total: %+v", c)
	}
}
