// Package toydb holds the toy databases: one design a file, each with its
// variants (the buggy design a lesson is about, its fix, ...). Every node is
// a pure state machine on the simulator (sim.Node).
package toydb

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// Variant is one version of a design: its name and what it does differently.
type Variant struct {
	Name    string `json:"name"`
	Summary string `json:"summary"`
	// Tolerates lists the faults a correct variant survives, overlapping
	// (the torture test runs it under all of them at once); empty for a
	// variant that shows a bug.
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
	for _, v := range d.Variants {
		if v.Name == variant {
			return d.New(variant), nil
		}
	}
	names := make([]string, len(d.Variants))
	for i, v := range d.Variants {
		names[i] = v.Name
	}
	return nil, fmt.Errorf("unknown variant %q of %s (variants: %s)", variant, d.Name, strings.Join(names, ", "))
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

// Message rebuilds the client's original message, so the serving node can
// answer it with Env.ReplyOK and Env.ReplyError.
func (f Forwarded) Message() sim.Message {
	return sim.Message{Src: f.Client, Body: f.Req}
}

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
		return b.Message(), b.Req, true
	}
	return m, sim.ClientRequest{}, false
}
