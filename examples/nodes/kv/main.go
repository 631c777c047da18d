// Command kv is a key-value node for faultline's lin-kv workload (and
// Maelstrom's). Every request goes to one node, the leader (the first of
// node_ids), which alone holds the data: one copy, one order, so every
// operation is linearizable. A request that reaches another node is
// forwarded to the leader, and its answer relayed back. The leader
// remembers what it answered to each client request, so a duplicated
// forward is not applied twice.
//
// It tolerates partitions, pauses, message loss, duplication and delay:
// a request that cannot reach the leader is never answered, and the
// client records it as unknown. It does not tolerate a crash of the
// leader: the data lives in its memory only.
//
// With -local-reads it is the classic bug: the leader also copies every
// change to the other nodes, without waiting, and every node answers reads
// from its own copy. Under a partition a cut-off node keeps answering
// with old values — stale reads, which faultline's checker catches.
package main

import (
	"encoding/json"
	"flag"
	"log"

	"github.com/faultline-lab/faultline/examples/nodes/mnode"
)

type request struct {
	Key   json.RawMessage `json:"key"`
	Value any             `json:"value"`
	From  any             `json:"from"`
	To    any             `json:"to"`
}

// forward is a client request on its way to the leader.
type forward struct {
	Client      string          `json:"client"`
	ClientMsgID int64           `json:"client_msg_id"`
	Request     json.RawMessage `json:"request"`
}

type kv struct {
	node       *mnode.Node
	localReads bool
	data       map[string]any            // key (its JSON) → value; the leader's is the truth
	answered   map[string]map[string]any // client/msg_id → the reply the leader gave
}

func main() {
	localReads := flag.Bool("local-reads", false, "the bug: answer reads from each node's own, lagging copy")
	flag.Parse()
	s := &kv{node: mnode.New(), localReads: *localReads, data: map[string]any{}, answered: map[string]map[string]any{}}
	for _, t := range []string{"read", "write", "cas"} {
		s.node.Handle(t, s.client)
	}
	s.node.Handle("forward", s.forwarded)
	s.node.Handle("copy", s.copied)
	if err := s.node.Run(); err != nil {
		log.Fatal(err)
	}
}

func (s *kv) leader() string { return s.node.IDs[0] }

// client handles a request from a client.
func (s *kv) client(m mnode.Msg) {
	if m.Type == "read" && s.localReads {
		s.node.Reply(m, s.apply(m.Type, m.Body))
		return
	}
	if s.node.ID == s.leader() {
		s.node.Reply(m, s.applyOnce(m.Src, m.MsgID, m.Type, m.Body))
		return
	}
	body := map[string]any{"type": "forward", "client": m.Src, "client_msg_id": m.MsgID, "request": m.Body}
	s.node.RPC(s.leader(), body, func(reply mnode.Msg) {
		var res map[string]any
		if err := reply.Decode(&res); err != nil {
			return
		}
		delete(res, "msg_id")
		s.node.Reply(m, res)
	})
}

// forwarded handles, on the leader, a request another node passed on.
func (s *kv) forwarded(m mnode.Msg) {
	var f forward
	if err := m.Decode(&f); err != nil {
		s.node.Error(m, 12, err.Error())
		return
	}
	var head mnode.Head
	json.Unmarshal(f.Request, &head)
	res := s.applyOnce(f.Client, f.ClientMsgID, head.Type, f.Request)
	out := map[string]any{}
	for k, v := range res {
		out[k] = v
	}
	s.node.Reply(m, out)
}

// applyOnce applies a client's request once, however often it arrives.
func (s *kv) applyOnce(client string, msgID int64, typ string, body json.RawMessage) map[string]any {
	id := client + "/" + mnode.JSONText(msgID)
	if res, ok := s.answered[id]; ok {
		return mnode.Answer(res)
	}
	res := s.apply(typ, body)
	s.answered[id] = res
	return mnode.Answer(res)
}

// apply runs a request against this node's copy of the data.
func (s *kv) apply(typ string, body json.RawMessage) map[string]any {
	return mnode.KV(s.data).Apply(typ, body, s.set)
}

// set changes a key; with -local-reads the leader also copies the change
// to everyone else, and does not wait to hear that it arrived.
func (s *kv) set(key string, v any) {
	s.data[key] = v
	if s.localReads && s.node.ID == s.leader() {
		for _, id := range s.node.IDs[1:] {
			s.node.Send(id, map[string]any{"type": "copy", "key": json.RawMessage(key), "value": v})
		}
	}
}

// copied applies a change the leader copied here (-local-reads only).
func (s *kv) copied(m mnode.Msg) {
	var r request
	if err := m.Decode(&r); err == nil {
		s.data[string(r.Key)] = r.Value
	}
}
