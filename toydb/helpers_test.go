package toydb

import (
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/sim/simtest"
)

// The helpers shared by the package's tests.

// Driving a cluster on the fake network (sim/simtest).

// run lets ns of virtual time pass in 5 ms steps, delivering every message
// between nodes except those drop rejects.
func run(c *simtest.Cluster, ns int64, drop func(sim.Message) bool) {
	for end := c.Now + ns; c.Now < end; {
		c.Flush(drop, 100_000)
		c.Advance(5_000_000)
	}
	c.Flush(drop, 100_000)
}

// Counter workloads and their tallies.

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
