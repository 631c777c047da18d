// Command broadcast is a node for faultline's broadcast workload (and
// Maelstrom's): every value broadcast to any node must end up on every
// node. A node acknowledges a broadcast at once, then gossips the value to
// its neighbours in the topology, and keeps resending every value a
// neighbour has not acknowledged, so messages lost to a partition, to
// loss or to a pause are sent again until they arrive. A node that starts
// (or restarts after a crash, with its memory gone) asks its neighbours
// for everything they have.
//
// It tolerates partitions, pauses, loss, duplication, delay, and crashes
// of a node whose values have reached a neighbour. A value acknowledged by
// a node that crashes before any neighbour has it is lost: that node was
// its only copy.
package main

import (
	"log"
	"sort"
	"time"

	"github.com/faultline-lab/faultline/examples/nodes/mnode"
)

type broadcast struct {
	node       *mnode.Node
	values     map[int64]bool
	neighbours []string
	unacked    map[string]map[int64]bool // neighbour → values it has not acknowledged
}

func main() {
	b := &broadcast{node: mnode.New(), values: map[int64]bool{}, unacked: map[string]map[int64]bool{}}
	b.node.Handle("topology", b.topology)
	b.node.Handle("broadcast", b.broadcast)
	b.node.Handle("read", b.read)
	b.node.Handle("gossip", b.gossip)
	b.node.Handle("sync", b.sync)
	b.node.Every(200*time.Millisecond, b.resend)
	if err := b.node.Run(); err != nil {
		log.Fatal(err)
	}
}

func (b *broadcast) topology(m mnode.Msg) {
	var body struct {
		Topology map[string][]string `json:"topology"`
	}
	if err := m.Decode(&body); err != nil {
		b.node.Error(m, 12, err.Error())
		return
	}
	b.neighbours = body.Topology[b.node.ID]
	for _, n := range b.neighbours {
		if b.unacked[n] == nil {
			b.unacked[n] = map[int64]bool{}
		}
		for v := range b.values {
			b.unacked[n][v] = true
		}
		// Catch up on what the neighbours have (after a restart, that is
		// everything this node once knew).
		b.node.RPC(n, map[string]any{"type": "sync"}, func(reply mnode.Msg) {
			var r struct {
				Messages []int64 `json:"messages"`
			}
			if reply.Decode(&r) == nil {
				b.learn(r.Messages, reply.Src)
			}
		})
	}
	b.node.Reply(m, map[string]any{"type": "topology_ok"})
}

func (b *broadcast) broadcast(m mnode.Msg) {
	var body struct {
		Message int64 `json:"message"`
	}
	if err := m.Decode(&body); err != nil {
		b.node.Error(m, 12, err.Error())
		return
	}
	b.learn([]int64{body.Message}, "")
	b.node.Reply(m, map[string]any{"type": "broadcast_ok"})
}

func (b *broadcast) read(m mnode.Msg) {
	b.node.Reply(m, map[string]any{"type": "read_ok", "messages": b.list(b.values)})
}

// gossip takes values from a neighbour and acknowledges them.
func (b *broadcast) gossip(m mnode.Msg) {
	var body struct {
		Messages []int64 `json:"messages"`
	}
	if err := m.Decode(&body); err != nil {
		return
	}
	b.learn(body.Messages, m.Src)
	b.node.Reply(m, map[string]any{"type": "gossip_ok", "messages": body.Messages})
}

func (b *broadcast) sync(m mnode.Msg) {
	b.node.Reply(m, map[string]any{"type": "sync_ok", "messages": b.list(b.values)})
}

// learn adds values; the new ones are owed to every neighbour but the one
// they came from, and sent at once.
func (b *broadcast) learn(vs []int64, from string) {
	var fresh []int64
	for _, v := range vs {
		if !b.values[v] {
			b.values[v] = true
			fresh = append(fresh, v)
		}
	}
	for _, n := range b.neighbours {
		if n == from {
			continue
		}
		for _, v := range fresh {
			b.unacked[n][v] = true
		}
	}
	if len(fresh) > 0 {
		b.resend()
	}
}

// resend sends every neighbour the values it has not acknowledged.
func (b *broadcast) resend() {
	for _, n := range b.neighbours {
		owed := b.unacked[n]
		if len(owed) == 0 {
			continue
		}
		b.node.RPC(n, map[string]any{"type": "gossip", "messages": b.list(owed)}, func(reply mnode.Msg) {
			var r struct {
				Messages []int64 `json:"messages"`
			}
			if reply.Decode(&r) == nil {
				for _, v := range r.Messages {
					delete(b.unacked[reply.Src], v)
				}
			}
		})
	}
}

func (b *broadcast) list(set map[int64]bool) []int64 {
	out := make([]int64, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
