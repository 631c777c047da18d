// Command raft is a lin-kv node for faultline's lin-kv workload (and
// Maelstrom's): a small single-leader Raft. Nodes elect a leader with
// randomized timeouts; the leader appends every client operation — reads
// too — to its log, replicates it with AppendEntries (log matching), and
// answers once an entry of its own term is committed by a majority and
// applied. A node that is not the leader forwards a request to the leader
// it knows, or answers 11 (temporarily-unavailable) when it knows none.
//
// Definite errors are given only for operations that were never appended:
// a node that has appended or forwarded a request stays silent about it
// rather than refuse it, so the client records it as unknown. Every node
// applies each client request once, however often it was appended.
//
// The state lives in memory only: a crashed node restarts empty. Such a
// node first asks the others their terms and logs; once a majority of
// those whose memory is whole have answered, it takes the highest term
// (it may have voted before it crashed, and votes in no term up to that
// one), and until a leader has copied it its whole log it votes only for
// a candidate whose log is at least as up-to-date as the best it heard
// (it may have held committed entries), and does not stand for election.
// So the node tolerates partitions, message loss, duplication and delay,
// pauses, and the crash of a minority of the nodes at a time, where a
// restarted node counts as crashed until a leader has caught it up. It
// does not tolerate the crash of a majority (committed data is lost with
// their memory), nor clock faults.
package main

import (
	"encoding/json"
	"log"

	"github.com/faultline-lab/faultline/examples/nodes/mnode"
)

// entry is one log entry: a client request (or the leader's no-op).
type entry struct {
	Term   int64           `json:"term"`
	Client string          `json:"client,omitempty"`
	MsgID  int64           `json:"msg_id,omitempty"`
	Type   string          `json:"type,omitempty"` // "" for a no-op
	Body   json.RawMessage `json:"body,omitempty"`
}

func (e entry) id() string { return e.Client + "/" + mnode.JSONText(e.MsgID) }

func main() {
	r := newRaft(mnode.New())
	if err := r.node.Run(); err != nil {
		log.Fatal(err)
	}
}

// client handles a request straight from a client.
func (r *raft) client(m mnode.Msg) {
	r.submit(m.Src, m.MsgID, m.Type, m.Body, true, func(res map[string]any) { r.node.Reply(m, res) })
}

// forwarded handles a request another node passed on to this, its leader.
func (r *raft) forwarded(m mnode.Msg) {
	var f struct {
		Client  string          `json:"client"`
		MsgID   int64           `json:"client_msg_id"`
		Request json.RawMessage `json:"request"`
	}
	if err := m.Decode(&f); err != nil {
		r.node.Error(m, 12, err.Error())
		return
	}
	var head mnode.Head
	json.Unmarshal(f.Request, &head)
	r.submit(f.Client, f.MsgID, head.Type, f.Request, false, func(res map[string]any) { r.node.Reply(m, res) })
}

// submit appends a client request to the log (on the leader), forwards it
// (elsewhere, when it came from the client), or refuses it — but refuses
// only a request this node never appended nor forwarded.
func (r *raft) submit(client string, msgID int64, typ string, body json.RawMessage, mayForward bool, reply func(map[string]any)) {
	e := entry{Client: client, MsgID: msgID, Type: typ, Body: body}
	id := e.id()
	if res, ok := r.answered[id]; ok {
		reply(mnode.Answer(res))
		return
	}
	if r.role == leader {
		if !r.appended[id] {
			e.Term = r.term
			r.log = append(r.log, e)
			r.appended[id] = true
			r.replicate()
		}
		r.waiting[id] = append(r.waiting[id], reply)
		return
	}
	if r.appended[id] || r.forwards[id] > 0 && !mayForward {
		return // it may yet be applied: say nothing definite
	}
	if !mayForward || r.leaderID == "" || r.leaderID == r.node.ID {
		if r.forwards[id] == 0 {
			reply(map[string]any{"type": "error", "code": 11, "text": "no leader known to " + r.node.ID})
		}
		return
	}
	r.forwards[id]++
	body2 := map[string]any{"type": "forward", "client": client, "client_msg_id": msgID, "request": body}
	r.node.RPC(r.leaderID, body2, func(m mnode.Msg) {
		var res map[string]any
		if m.Decode(&res) != nil {
			return
		}
		delete(res, "msg_id")
		delete(res, "in_reply_to")
		if res["type"] == "error" && res["code"] == float64(11) && (r.forwards[id] > 1 || r.appended[id]) {
			return // another copy was forwarded and may be applied
		}
		reply(res)
	})
}

// apply runs committed entries against the data, each client request once,
// and answers whoever waits on this node.
func (r *raft) apply() {
	for r.applied < r.commit {
		r.applied++
		e := r.log[r.applied]
		if e.Type == "" {
			continue
		}
		id := e.id()
		res, done := r.answered[id]
		if !done {
			res = r.execute(e.Type, e.Body)
			r.answered[id] = res
		}
		for _, reply := range r.waiting[id] {
			reply(mnode.Answer(res))
		}
		delete(r.waiting, id)
	}
}

// execute applies one request to the data.
func (r *raft) execute(typ string, body json.RawMessage) map[string]any {
	return mnode.KV(r.data).Apply(typ, body, func(key string, v any) { r.data[key] = v })
}
