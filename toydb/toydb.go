// Package toydb holds the toy databases: one design a file, each with its
// variants (the buggy design a lesson is about, its fix, ...). Every node is
// a pure state machine on the simulator (sim.Node). Most designs are
// configurations of one replication core (core.go).
package toydb

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// Fixed is the name of every lesson's fixed variant.
const Fixed = "fixed"

// Variant is one version of a design: its name and what it does differently.
type Variant struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
	// Tolerates lists the faults a variant survives, overlapping (the
	// torture test runs it under all of them at once). A correct variant
	// declares every fault it survives; a variant whose bug needs a clock
	// fault declares the rest (a lease survives all but the clock's); one
	// that breaks without faults declares none. What a variant leaves out
	// it does not tolerate.
	Tolerates []sim.Nemesis `json:"tolerates,omitempty"`
}

// Design is a toy database: its variants (the first is the default) and a
// way to build its nodes.
type Design struct {
	Name     string
	Variants []Variant
	New      func(variant string) sim.NodeFactory
}

// Factory returns the node factory of a variant ("" for the default), or an
// error naming the known variants.
func (d Design) Factory(variant string) (sim.NodeFactory, error) {
	if variant == "" {
		variant = d.Variants[0].Name
	}
	var names []string
	for _, v := range d.Variants {
		if v.Name == variant {
			return d.New(variant), nil
		}
		names = append(names, v.Name)
	}
	return nil, fmt.Errorf("unknown variant %q of %s (variants: %s)", variant, d.Name, strings.Join(names, ", "))
}

// Every fault the simulator has: what a design that reads no wall clock
// for its safety declares it survives.
var everything = sim.Nemeses(sim.NetworkNemeses, sim.ProcessNemeses, sim.ClockNemeses)

// Every fault but the clock's: what a design whose safety rests on clocks
// (a lease, last write wins) survives while every clock tells the truth.
var trueClocks = sim.Nemeses(sim.NetworkNemeses, sim.ProcessNemeses)

// withFacts gives a status its key facts (label, value, label, value, ...)
// and a detail line of those in detail, for views that show one line.
func withFacts(st sim.Status, key, detail []any) sim.Status {
	st.Key = sim.Facts(key...)
	var parts []string
	for _, f := range sim.Facts(detail...) {
		parts = append(parts, f.Label+" "+f.Value)
	}
	st.Detail = strings.Join(parts, ", ")
	return st
}

// coreVariant is a variant of a design built on the core: how its policy
// differs from the design's base policy.
type coreVariant struct {
	Variant
	set func(p *Policy)
}

// coreDesign is a design whose variants are policies of the core.
func coreDesign(name string, base Policy, variants ...coreVariant) Design {
	d := Design{Name: name}
	for _, v := range variants {
		d.Variants = append(d.Variants, v.Variant)
	}
	d.New = func(variant string) sim.NodeFactory {
		p := base
		for _, v := range variants {
			if v.Name == variant && v.set != nil {
				v.set(&p)
			}
		}
		return NewCore(p)
	}
	return d
}

// correct is the policy every replicated fix comes back to: Raft with
// majority votes and commits, read-index reads, a leader that steps down
// when it hears no majority, and client sessions.
func correct(m func() Machine) Policy {
	return Policy{Election: ElectMajority, Commit: CommitMajority, Read: ReadIndex,
		CheckQuorum: true, Sessions: true, Machine: m}
}

// Forwarded carries a client's request from the node it reached to the node
// that can serve it; that node replies to the client directly.
type Forwarded struct {
	Client string
	Req    sim.ClientRequest
}

// Type is Maelstrom's body type.
func (Forwarded) Type() string { return "forward" }

func (f Forwarded) String() string { return "forward " + f.Req.String() + " from " + f.Client }

// Forward hands a client's request to the node that can serve it, which
// answers the client directly.
func Forward(env *sim.Env, to string, orig sim.Message, req sim.ClientRequest) {
	env.Send(to, Forwarded{Client: orig.Src, Req: req})
}

// Request returns a message's client request, if it is one (directly or forwarded).
func Request(m sim.Message) (sim.Message, sim.ClientRequest, bool) {
	switch b := m.Body.(type) {
	case sim.ClientRequest:
		return m, b, true
	case Forwarded:
		// The client's original message: the serving node answers it.
		return sim.Message{Src: b.Client, Body: b.Req}, b.Req, true
	}
	return m, sim.ClientRequest{}, false
}
