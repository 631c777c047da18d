package tui

import (
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// roleGuess infers who leads a cluster of the learner's nodes from their
// messages, since a foreign process reports no role. While a client's
// request is at a node (from its arrival to the node's reply), every
// message the node sends to another node is noted. A request answered
// after contacting exactly one other node was forwarded there; one
// answered alone, or after contacting several (replication), was
// answered by the node itself. The node that answers most requests —
// its own and those forwarded to it — leads, when it clearly stands out
// over the last few seconds; the nodes that forward to it follow. The
// views say the roles are inferred.
type roleGuess struct {
	ids   []string
	index map[string]int
	// open is, per node, the clients whose requests are at it now.
	open []map[string]openRequest
	done []answer // in time order
}

// openRequest is a client's request at a node: its msg_id, and the nodes
// the node has contacted since it arrived (a bit per node).
type openRequest struct {
	msgID int64
	mask  uint64
}

// answer is one client request a node replied to.
type answer struct {
	at   int64
	node int
	via  int // the node it was forwarded to; -1: answered by the node itself
	ok   bool
}

// roleWindowNs is how far back the roles look: recent enough to follow
// a new leader after an election, long enough to see a pattern.
const roleWindowNs = 5_000_000_000

// roleMinAnswers is how many answers a leader needs in the window before
// it is named.
const roleMinAnswers = 5

func newRoleGuess(ids []string) roleGuess {
	g := roleGuess{ids: ids, index: map[string]int{}, open: make([]map[string]openRequest, len(ids))}
	for i, id := range ids {
		g.index[id] = i
		g.open[i] = map[string]openRequest{}
	}
	return g
}

// observe takes one message event, in time order.
func (g *roleGuess) observe(te sim.TraceEvent) {
	src, srcNode := g.index[te.Src]
	dest, destNode := g.index[te.Dest]
	switch {
	case te.Kind == sim.TraceDeliver && destNode && isClient(te.Src):
		g.open[dest][te.Src] = openRequest{msgID: wireIDs(te).msgID}
	case te.Kind == sim.TraceSend && srcNode && destNode && src != dest && !isReply(te):
		for c, req := range g.open[src] {
			req.mask |= 1 << uint(dest)
			g.open[src][c] = req
		}
	case te.Kind == sim.TraceSend && srcNode && isClient(te.Dest):
		req, ok := g.open[src][te.Dest]
		if !ok || (req.msgID != 0 && wireIDs(te).inReplyTo != req.msgID) {
			return // a late answer to a request the client gave up on
		}
		delete(g.open[src], te.Dest)
		via := -1
		if bits.OnesCount64(req.mask) == 1 {
			via = bits.TrailingZeros64(req.mask)
		}
		okReply := te.Body == nil || te.Body.Type() != "error"
		g.done = append(g.done, answer{at: te.Time, node: src, via: via, ok: okReply})
	}
}

// isReply reports whether a message answers another: a node answering
// a peer contacts no one.
func isReply(te sim.TraceEvent) bool { return wireIDs(te).inReplyTo != 0 }

// wireIDs is a message's protocol ids (zero for a body of another kind).
func wireIDs(te sim.TraceEvent) wireBody {
	b, _ := te.Body.(wireBody)
	return b
}

// roles is what the messages of one window say.
type roles struct {
	ids       []string
	leader    int   // -1: none stands out
	answered  []int // requests each node answered itself, ok
	forwarded []int // requests each node forwarded
	to        []int // where each node forwarded most (-1: nowhere)
}

// at is the roles in the window before moment at.
func (g *roleGuess) at(at int64) roles {
	n := len(g.ids)
	r := roles{ids: g.ids, leader: -1, answered: make([]int, n), forwarded: make([]int, n), to: make([]int, n)}
	via := make([][]int, n)
	for i := range via {
		via[i] = make([]int, n)
	}
	lo := sort.Search(len(g.done), func(i int) bool { return g.done[i].at > at-roleWindowNs })
	hi := sort.Search(len(g.done), func(i int) bool { return g.done[i].at > at })
	for _, a := range g.done[lo:hi] {
		switch {
		case a.via >= 0:
			r.forwarded[a.node]++
			via[a.node][a.via]++
		case a.ok:
			r.answered[a.node]++
		}
	}
	score := make([]int, n)
	for i := range score {
		r.to[i] = -1
		score[i] = r.answered[i]
		best := 0
		for j, k := range via[i] {
			if k > best {
				best, r.to[i] = k, j
			}
		}
	}
	for i := range via {
		for j, k := range via[i] {
			score[j] += k
		}
	}
	first, second := -1, -1
	for i, s := range score {
		switch {
		case first < 0 || s > score[first]:
			first, second = i, first
		case second < 0 || s > score[second]:
			second = i
		}
	}
	if n > 1 && first >= 0 && score[first] >= roleMinAnswers && (second < 0 || score[first] >= 2*score[second]) {
		r.leader = first
	}
	return r
}

// status is node i's role and the counts behind it, as its box shows
// them.
func (r roles) status(i int) sim.Status {
	var st sim.Status
	switch {
	case r.leader == i:
		st.Role = sim.RoleLeader
	case r.follows(i):
		st.Role = sim.RoleFollower
	}
	var fields []string
	if r.answered[i] > 0 {
		fields = append(fields, fmt.Sprintf("answered %d", r.answered[i]))
	}
	switch {
	case r.follows(i): // to the leader, as the summary says
		fields = append(fields, fmt.Sprintf("forwarded %d", r.forwarded[i]))
	case r.forwarded[i] > 0 && r.to[i] >= 0:
		fields = append(fields, fmt.Sprintf("forwarded %d to %s", r.forwarded[i], r.ids[r.to[i]]))
	}
	st.Detail = strings.Join(fields, ", ")
	return st
}

// follows reports whether node i forwards to the leader (what it answers
// itself, such as reads from its own copy, does not make it lead).
func (r roles) follows(i int) bool {
	return r.leader >= 0 && i != r.leader && r.to[i] == r.leader && r.forwarded[i] > 0
}

// summary says in a sentence what the roles rest on.
func (r roles) summary() string {
	if r.leader < 0 {
		total := 0
		for i := range r.ids {
			total += r.answered[i] + r.forwarded[i]
		}
		if total == 0 {
			return "roles: none yet (they are inferred from who answers the clients)"
		}
		return "roles: no node stands out as a leader (inferred from who answers the clients)"
	}
	var followers []string
	for i := range r.ids {
		if r.follows(i) {
			followers = append(followers, r.ids[i])
		}
	}
	s := "roles inferred from the messages: " + r.ids[r.leader] + " answers the clients"
	switch len(followers) {
	case 0:
	case 1:
		s += ", " + followers[0] + " forwards to it"
	default:
		s += ", " + strings.Join(followers, " ") + " forward to it"
	}
	return s
}
