package sim_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/faultline-lab/faultline/sim"
)

// counter is a one-node toy database: it adds what clients send.
type counter struct{ total int64 }

func (c *counter) Start(*sim.Env) {}
func (c *counter) Handle(env *sim.Env, m sim.Message) {
	if r, ok := m.Body.(sim.ClientRequest); ok {
		c.total += r.Value.(int64)
		env.ReplyOK(m, c.total)
	}
}
func (c *counter) Timer(*sim.Env, any) {}
func (c *counter) Status() sim.Status  { return sim.Status{Role: "counter"} }

type addOnes struct{}

func (addOnes) Next(*rand.Rand, int64) sim.Request { return sim.Request{F: "add", Value: int64(1)} }
func (addOnes) Final() []sim.Request               { return nil }

// A run is a seed, a configuration, a fault schedule, a node factory and a
// workload; the same five give the same history.
func Example() {
	cfg := sim.DefaultConfig()
	cfg.Nodes, cfg.Clients, cfg.Ops = 1, 1, 2
	s, err := sim.New(42, cfg, sim.Schedule{}, func(string) sim.Node { return &counter{} }, addOnes{})
	if err != nil {
		panic(err)
	}
	if err := s.Run(); err != nil {
		panic(err)
	}
	for _, op := range s.History() {
		fmt.Println(op.Process, op.Type, op.F, op.Value)
	}
	// Output:
	// 0 invoke add 1
	// 0 ok add 1
	// 0 invoke add 1
	// 0 ok add 2
}
