package tui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/sim"
)

// roleEvents builds the events of client requests at nodes: answered by
// the node alone, forwarded to another node (which replies), or
// replicated to every other node first.
type roleEvents struct {
	t   int64
	out []sim.TraceEvent
}

func (r *roleEvents) add(kind sim.TraceKind, src, dest, typ string, inReplyTo int64) {
	r.t += 1000
	r.out = append(r.out, sim.TraceEvent{Time: r.t, Kind: kind, Src: src, Dest: dest,
		Body: wireBody{kind: typ, json: json.RawMessage(`{"type":"` + typ + `"}`), msgID: 1, inReplyTo: inReplyTo}})
}

func (r *roleEvents) request(client, node string, contact ...string) {
	r.add(sim.TraceDeliver, client, node, "write", 0)
	for _, peer := range contact {
		r.add(sim.TraceSend, node, peer, "forward", 0)
		r.add(sim.TraceSend, peer, node, "forward_ok", 7) // the peer's reply contacts no one
	}
	r.add(sim.TraceSend, node, client, "write_ok", 1)
}

func guessFrom(ids []string, evs []sim.TraceEvent) roles {
	g := newRoleGuess(ids)
	for _, e := range evs {
		g.observe(e)
	}
	return g.at(evs[len(evs)-1].Time)
}

func TestRolesAreInferredFromWhoAnswersAndWhoForwards(t *testing.T) {
	t.Parallel()
	ids := []string{"n1", "n2", "n3"}
	// One leader: n1 answers; n2 and n3 forward to it.
	var r roleEvents
	for i := 0; i < 4; i++ {
		r.request("c1", "n1")
		r.request("c2", "n2", "n1")
		r.request("c3", "n3", "n1")
	}
	g := guessFrom(ids, r.out)
	if g.leader != 0 || !g.follows(1) || !g.follows(2) {
		t.Fatalf("leader %d, follows %v %v; want n1 leading, n2 n3 following", g.leader, g.follows(1), g.follows(2))
	}
	if s := g.status(0); s.Role != sim.RoleLeader || s.Detail != "answered 4" {
		t.Errorf("n1's status %+v", s)
	}
	if s := g.status(2); s.Role != sim.RoleFollower || s.Detail != "forwarded 4" {
		t.Errorf("n3's status %+v", s)
	}
	if s := g.summary(); s != "roles inferred from the messages: n1 answers the clients, n2 n3 forward to it" {
		t.Errorf("summary %q", s)
	}

	// Replication is not forwarding: a leader that copies each write to
	// both others (followers refuse clients) still leads.
	var raft roleEvents
	for i := 0; i < 6; i++ {
		raft.request("c1", "n2", "n1", "n3")
		raft.add(sim.TraceDeliver, "c2", "n3", "write", 0)
		raft.add(sim.TraceSend, "n3", "c2", "error", 1)
	}
	if g := guessFrom(ids, raft.out); g.leader != 1 || g.follows(0) {
		t.Errorf("a replicating leader: leader %d, want n2", g.leader)
	}

	// Every node answering alone (gossip, or a shared service): no
	// leader, and the views say so.
	var equal roleEvents
	for i := 0; i < 5; i++ {
		for _, n := range ids {
			equal.request("c1", n)
		}
	}
	if g := guessFrom(ids, equal.out); g.leader != -1 || !strings.Contains(g.summary(), "no node stands out") {
		t.Errorf("equals: leader %d, summary %q", g.leader, g.summary())
	}

	// A pattern older than the window is forgotten: a new leader shows.
	var change roleEvents
	for i := 0; i < 6; i++ {
		change.request("c1", "n1")
		change.request("c2", "n2", "n1")
	}
	change.t += roleWindowNs
	for i := 0; i < 6; i++ {
		change.request("c1", "n3")
		change.request("c2", "n2", "n3")
	}
	if g := guessFrom(ids, change.out); g.leader != 2 {
		t.Errorf("after a change of leader: leader %d, want n3", g.leader)
	}
	// A late answer, to a request the client gave up on, answers nothing
	// the node has now.
	var late roleEvents
	for i := 0; i < 6; i++ {
		late.request("c1", "n1")
	}
	late.add(sim.TraceDeliver, "c2", "n2", "write", 0)
	late.add(sim.TraceSend, "n2", "c2", "write_ok", 9)
	if g := guessFrom(ids, late.out); g.answered[1] != 0 {
		t.Errorf("a late answer counted: n2 answered %d", g.answered[1])
	}
	// Too little to go on: no role is claimed.
	var few roleEvents
	few.request("c1", "n1")
	if g := guessFrom(ids, few.out); g.leader != -1 {
		t.Errorf("one answer made n%d the leader", g.leader+1)
	}
}

func TestWireBodyReadsAsItsFields(t *testing.T) {
	t.Parallel()
	b := wireBody{kind: "cas", json: json.RawMessage(`{"type":"cas","msg_id":3,"key":0,"from":1,"to":[2,3]}`)}
	if got := b.String(); got != "cas key=0 from=1 to=[2,3]" {
		t.Errorf("String() = %q", got)
	}
	if got := (wireBody{kind: "x", json: json.RawMessage(`not json`)}).String(); got != "x" {
		t.Errorf("a body that is not an object: %q", got)
	}
}

// A node's body, whatever it holds, reads as its type and fields without
// a panic; and a time limit is read or refused, never more.
func FuzzNodeInputs(f *testing.F) {
	f.Add(`{"type":"read","key":1}`, "10s")
	f.Add(`{"type":"x","a":{"b":[1,2,{"c":null}]},"msg_id":1}`, "1m30s")
	f.Add(`{"type":`, "-5")
	f.Add(`[]`, "1e309")
	f.Add(`{}`, "NaN")
	f.Add(`{}`, "0")
	f.Fuzz(func(t *testing.T, body, limit string) {
		s := wireBody{kind: "x", json: json.RawMessage(body)}.String()
		if !strings.HasPrefix(s, "x") {
			t.Fatalf("String() = %q: it lost the type", s)
		}
		if d, err := parseLimit(limit); err == nil && (d < time.Second || d > time.Hour) {
			t.Fatalf("parseLimit(%q) = %v, outside 1s–1h", limit, d)
		}
		if d, err := parseRecovery(limit); err == nil && (d < 0 || d > time.Hour) {
			t.Fatalf("parseRecovery(%q) = %v, outside 0s–1h", limit, d)
		}
	})
}
