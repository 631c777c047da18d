package maelstrom

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/faultline-lab/faultline/history"
)

// op is one client operation as the workload generates it: Jepsen's f,
// key and value, and the node it goes to. The seed fixes the sequence of
// ops; which client runs each one, and when its reply comes, is real time.
type op struct {
	F     string
	Key   string // the history's key (lin-kv); the wire carries wireKey
	Value any
	Node  int
	wire  int64
}

// workload is one of Maelstrom's workloads: what clients ask, in which
// words, and how a reply becomes a history record.
type workload interface {
	// next is the next main-phase operation.
	next(rng *rand.Rand, nodes int) op
	// finals are the operations after the faults are healed (the final
	// reads), in order.
	finals(nodes int) []op
	// request is op's body on the wire, less its msg_id.
	request(o op) map[string]any
	// reply turns a reply body whose type is not "error" into a
	// completion: its type and value, and what was wrong with it.
	reply(o op, body map[string]any) (history.Type, any, string)
}

// FinalReads reports whether a workload ends with final reads once the
// faults are healed, after Recovery's quiet time: broadcast, g-counter and
// lin-kv do; echo and unique-ids end at their time limit.
func FinalReads(workload string) bool {
	switch workload {
	case "broadcast", "g-counter", "lin-kv":
		return true
	}
	return false
}

func newWorkload(name string) workload {
	switch name {
	case "echo":
		return echoWorkload{}
	case "unique-ids":
		return idsWorkload{}
	case "broadcast":
		return &broadcastWorkload{}
	case "g-counter":
		return counterWorkload{}
	}
	return newKVWorkload()
}

// expect checks a reply's type: read → read_ok.
func expect(o op, body map[string]any, f string) string {
	want := f + "_ok"
	if got, _ := body["type"].(string); got != want {
		return fmt.Sprintf("reply of type %q to %s (want %q)", got, f, want)
	}
	return ""
}

// errorCompletion turns an error reply into a completion: a definite
// error is a fail (the operation did not happen), anything else info.
func errorCompletion(o op, body map[string]any) (history.Type, any, string) {
	code, _ := history.Int(body["code"])
	c := LookupCode(code)
	v := o.Value
	if o.F == "read" || o.F == "generate" {
		v = nil
	}
	if c.Definite {
		return history.Fail, v, c.Name
	}
	return history.Info, v, c.Name
}

type echoWorkload struct{}

func (echoWorkload) next(rng *rand.Rand, nodes int) op {
	return op{F: "echo", Value: "Please echo " + strconv.Itoa(rng.IntN(128)), Node: rng.IntN(nodes)}
}
func (echoWorkload) finals(int) []op { return nil }
func (echoWorkload) request(o op) map[string]any {
	return map[string]any{"type": "echo", "echo": o.Value}
}
func (echoWorkload) reply(o op, body map[string]any) (history.Type, any, string) {
	if bad := expect(o, body, "echo"); bad != "" {
		return history.Info, o.Value, bad
	}
	return history.OK, body["echo"], ""
}

type idsWorkload struct{}

func (idsWorkload) next(rng *rand.Rand, nodes int) op {
	return op{F: "generate", Node: rng.IntN(nodes)}
}
func (idsWorkload) finals(int) []op           { return nil }
func (idsWorkload) request(op) map[string]any { return map[string]any{"type": "generate"} }
func (idsWorkload) reply(o op, body map[string]any) (history.Type, any, string) {
	if bad := expect(o, body, "generate"); bad != "" {
		return history.Info, nil, bad
	}
	id, ok := body["id"]
	if !ok {
		return history.Info, nil, `generate_ok without an "id"`
	}
	return history.OK, id, ""
}

// broadcastWorkload broadcasts 0, 1, 2, ... and reads, half and half, as
// Maelstrom's does; the final reads ask every node.
type broadcastWorkload struct{ nextValue int64 }

func (w *broadcastWorkload) next(rng *rand.Rand, nodes int) op {
	node := rng.IntN(nodes)
	if rng.IntN(2) == 0 {
		return op{F: "read", Node: node}
	}
	w.nextValue++
	return op{F: "broadcast", Value: w.nextValue - 1, Node: node}
}
func (w *broadcastWorkload) finals(nodes int) []op { return readEach(nodes) }
func (w *broadcastWorkload) request(o op) map[string]any {
	if o.F == "read" {
		return map[string]any{"type": "read"}
	}
	return map[string]any{"type": "broadcast", "message": o.Value}
}
func (w *broadcastWorkload) reply(o op, body map[string]any) (history.Type, any, string) {
	if bad := expect(o, body, o.F); bad != "" {
		return history.Info, nil, bad
	}
	if o.F == "broadcast" {
		return history.OK, o.Value, ""
	}
	msgs, ok := body["messages"].([]any)
	if !ok {
		return history.Info, nil, `read_ok without a "messages" list`
	}
	return history.OK, msgs, ""
}

func readEach(nodes int) []op {
	out := make([]op, nodes)
	for i := range out {
		out[i] = op{F: "read", Node: i}
	}
	return out
}

// counterWorkload adds deltas of 0–4 and reads, half and half (Maelstrom's
// g-counter: its pn-counter's generator without the negative deltas).
type counterWorkload struct{}

func (counterWorkload) next(rng *rand.Rand, nodes int) op {
	node := rng.IntN(nodes)
	if rng.IntN(2) == 0 {
		return op{F: "read", Node: node}
	}
	return op{F: "add", Value: rng.Int64N(5), Node: node}
}
func (counterWorkload) finals(nodes int) []op { return readEach(nodes) }
func (counterWorkload) request(o op) map[string]any {
	if o.F == "read" {
		return map[string]any{"type": "read"}
	}
	return map[string]any{"type": "add", "delta": o.Value}
}
func (counterWorkload) reply(o op, body map[string]any) (history.Type, any, string) {
	if bad := expect(o, body, o.F); bad != "" {
		return history.Info, nil, bad
	}
	if o.F == "add" {
		return history.OK, o.Value, ""
	}
	v, ok := body["value"].(int64)
	if !ok {
		return history.Info, nil, `read_ok without an integer "value"`
	}
	return history.OK, v, ""
}
