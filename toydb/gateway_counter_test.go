package toydb

import (
	"testing"

	"github.com/faultline-lab/faultline/sim"
)

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
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
	c := runGC(t, "timeout-as-fail", 1, sim.ClientPolicy{Retries: 2, TimeoutAsFail: true})
	if c.fail == 0 || c.info != 0 {
		t.Fatalf("want failed adds and no info ones, got %+v", c)
	}
	if c.final <= c.ok {
		t.Fatalf("no failed add showed up in the total: %+v", c)
	}
}
