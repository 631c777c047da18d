package toydb

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// This file is the elected-primary engine behind lessons 3 (async-failover)
// and 4 (split-brain). One node leads; it applies each operation to its copy
// of the data and ships whole snapshots of that copy to the others. Three
// switches make the difference between the buggy designs and the fix:
//
//   - how a leader is chosen: by a majority vote in a numbered term (with
//     the most up-to-date copy winning), or simply as the lowest node id a
//     node can still hear (no majority rule: both sides of a partition pick one);
//   - when an operation is acknowledged: at once, with replication on the
//     next heartbeat (asynchronous), or only once a majority holds it;
//   - whether a leader that hears no majority steps down.

// pbTickNs is the engine's clock: heartbeats, failure detection and
// elections count ticks, so clock skew cannot touch them.
const pbTickNs = 100_000_000

// pbElectionTicksMin and pbElectionTicksMax bound the randomized time a follower
// waits without hearing from its leader before it stands for election.
const (
	pbElectionTicksMin = 6
	pbElectionTicksMax = 12
	// pbStepDownTicks is how long a leader with checkQuorum goes without
	// hearing from a majority before it stops leading.
	pbStepDownTicks = 4
	// pbForwardTicks is how recently a follower must have heard from its
	// leader to forward a client's request to it.
	pbForwardTicks = 2
	// pbVisibleTicks is how recently a node must have been heard from to
	// count as visible for the lowest-visible-id rule.
	pbVisibleTicks = 3
)

// pbOptions are the switches of one variant.
type pbOptions struct {
	leaderRole    sim.Role // what Status calls the leader: primary or leader
	electMajority bool     // false: the lowest visible id leads, no votes
	ackMajority   bool     // false: acknowledge at once, replicate on the next tick
	checkQuorum   bool     // a leader that hears no majority steps down
	newMachine    func() pbMachine
}

// pbMachine is the replicated data: a register, a set.
type pbMachine interface {
	// apply runs an operation; a non-empty code is a definite failure.
	apply(r sim.Request) (result any, code string)
	// snapshot is an immutable copy to ship; restore replaces the data with one.
	snapshot() any
	restore(snap any)
	describe() string
}

// Messages between nodes.

// pbSync is a leader's heartbeat, carrying its whole copy of the data as of
// (Term, Seq).
type pbSync struct {
	Term, Seq int64
	Snap      any
}

func (pbSync) Type() string { return "sync" }
func (m pbSync) String() string {
	return fmt.Sprintf("sync term %d seq %d = %s", m.Term, m.Seq, pbDescribe(m.Snap))
}

// pbSyncAck says which snapshot of the leader's term a follower now holds, or
// (OK false) that the follower has moved on to a later term.
type pbSyncAck struct {
	Term, Seq int64
	OK        bool
}

func (pbSyncAck) Type() string { return "sync-ok" }
func (m pbSyncAck) String() string {
	if !m.OK {
		return fmt.Sprintf("sync-reject: I am in term %d", m.Term)
	}
	return fmt.Sprintf("sync-ok term %d seq %d", m.Term, m.Seq)
}

type pbVoteReq struct{ Term, LastTerm, LastSeq int64 }

func (pbVoteReq) Type() string { return "request-vote" }
func (m pbVoteReq) String() string {
	return fmt.Sprintf("request-vote term %d, my copy is term %d seq %d", m.Term, m.LastTerm, m.LastSeq)
}

type pbVoteReply struct {
	Term    int64
	Granted bool
}

func (pbVoteReply) Type() string { return "vote" }
func (m pbVoteReply) String() string {
	if m.Granted {
		return fmt.Sprintf("vote granted, term %d", m.Term)
	}
	return fmt.Sprintf("vote refused, term %d", m.Term)
}

// pbHello is the ping of the lowest-visible-id rule: "I am here".
type pbHello struct{}

func (pbHello) Type() string   { return "hello" }
func (pbHello) String() string { return "hello" }

// pbPending is an operation waiting for a majority to hold snapshot Seq.
type pbPending struct {
	seq    int64
	client sim.Message
	result any
}

// pbDurable is what a node keeps on disk, synced on every change.
type pbDurable struct {
	Term     int64
	VotedFor string
	LastTerm int64
	LastSeq  int64
	Snap     any
}

type pbNode struct {
	opt pbOptions
	id  string
	m   pbMachine

	term     int64
	votedFor string
	role     sim.Role // opt.leaderRole, follower or candidate
	leader   string
	lastTerm int64 // the snapshot held: (lastTerm, lastSeq)
	lastSeq  int64

	tick         int64
	heardTick    map[string]int64 // last tick each peer was heard from
	electionTick int64            // stand for election at this tick
	votes        map[string]bool  // a candidate's voters, itself included
	served       map[int64]bool   // request ids served: a duplicated forward is not applied twice

	acked   map[string]int64 // leader: newest seq of this term each peer holds
	pending []pbPending
	syncSrc string // lowest-visible rule: whose snapshots we hold
}

func newPB(opt pbOptions) sim.NodeFactory {
	return func(id string) sim.Node { return &pbNode{opt: opt, id: id} }
}

func (n *pbNode) Start(env *sim.Env) {
	n.m = n.opt.newMachine()
	n.heardTick = map[string]int64{}
	n.served = map[int64]bool{}
	n.acked = map[string]int64{}
	n.role = "follower"
	if d, ok := env.Disk().Get("engine"); ok {
		st := d.(pbDurable)
		n.term, n.votedFor, n.lastTerm, n.lastSeq = st.Term, st.VotedFor, st.LastTerm, st.LastSeq
		n.m.restore(st.Snap)
	} else if n.opt.electMajority {
		// A fresh cluster starts with n1 leading term 1, so the first
		// operations find a leader and the cluster view starts calm.
		n.term, n.votedFor, n.leader = 1, "n1", "n1"
		if env.ID() == "n1" {
			n.becomeLeader(env)
		}
		n.persist(env)
	}
	for _, p := range env.Peers() {
		n.heardTick[p] = 0 // everyone counts as heard at boot
	}
	n.resetElection(env)
	if !n.opt.electMajority {
		n.chooseLowest(env)
	}
	env.SetTimer(pbTickNs, "tick")
}

func (n *pbNode) persist(env *sim.Env) {
	env.Disk().Put("engine", pbDurable{Term: n.term, VotedFor: n.votedFor, LastTerm: n.lastTerm, LastSeq: n.lastSeq, Snap: n.m.snapshot()})
	env.Disk().Sync()
}

func (n *pbNode) isLeader() bool { return n.role == n.opt.leaderRole }

func (n *pbNode) resetElection(env *sim.Env) {
	n.electionTick = n.tick + pbElectionTicksMin + env.Rand().Int64N(pbElectionTicksMax-pbElectionTicksMin+1)
}

func (n *pbNode) Timer(env *sim.Env, tag any) {
	if tag != "tick" {
		return
	}
	n.tick++
	env.SetTimer(pbTickNs, "tick")
	switch {
	case !n.opt.electMajority:
		n.chooseLowest(env)
		if !n.isLeader() {
			env.Logf("hello from %s", n.id)
			for _, p := range env.Peers() {
				env.Send(p, pbHello{})
			}
		}
	case n.isLeader() && n.opt.checkQuorum && !n.hearsMajority(env, pbStepDownTicks):
		env.Logf("%s hears no pbMajority: steps down", n.id)
		n.stepDown(env, n.term, "")
		return
	case !n.isLeader() && n.tick >= n.electionTick:
		n.standForElection(env)
		return
	}
	if n.isLeader() {
		n.broadcastSync(env)
	}
}

// hearsMajority reports whether a majority, this node included, has been
// heard from within the last ticks.
func (n *pbNode) hearsMajority(env *sim.Env, ticks int64) bool {
	heard := 1
	for _, p := range env.Peers() {
		if n.tick-n.heardTick[p] <= ticks {
			heard++
		}
	}
	return heard >= pbMajority(env)
}

func pbMajority(env *sim.Env) int { return len(env.Nodes())/2 + 1 }

// chooseLowest is the rule without a majority: the lowest id among the nodes
// this node can hear (itself included) leads.
func (n *pbNode) chooseLowest(env *sim.Env) {
	lowest := n.id
	for _, p := range env.Peers() {
		if n.tick-n.heardTick[p] <= pbVisibleTicks && pbNodeLess(p, lowest) {
			lowest = p
		}
	}
	if lowest == n.leader {
		return
	}
	n.syncSrc = "" // the new leader's first snapshot is taken whatever its seq
	if lowest == n.id {
		env.Logf("%s sees no lower id: it leads", n.id)
		n.role = n.opt.leaderRole
	} else {
		n.role = "follower"
		n.pending = nil
	}
	n.leader = lowest
}

// pbNodeLess orders node ids numerically: n2 < n10.
func pbNodeLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func (n *pbNode) standForElection(env *sim.Env) {
	n.term++
	n.role, n.leader, n.votedFor = "candidate", "", n.id
	n.votes = map[string]bool{n.id: true}
	n.pending = nil
	n.persist(env)
	n.resetElection(env)
	env.Logf("%s stands for election in term %d", n.id, n.term)
	for _, p := range env.Peers() {
		env.Send(p, pbVoteReq{Term: n.term, LastTerm: n.lastTerm, LastSeq: n.lastSeq})
	}
	if len(n.votes) >= pbMajority(env) {
		n.becomeLeader(env)
	}
}

func (n *pbNode) becomeLeader(env *sim.Env) {
	n.role, n.leader = n.opt.leaderRole, n.id
	n.acked = map[string]int64{}
	// The leader's copy becomes snapshot 1 of its term: older copies lose
	// to it from now on.
	n.lastTerm, n.lastSeq = n.term, 1
	for _, p := range env.Peers() {
		n.heardTick[p] = n.tick // a fresh leader gets a full grace period
	}
	env.Logf("%s leads term %d", n.id, n.term)
}

func (n *pbNode) stepDown(env *sim.Env, term int64, leader string) {
	if term > n.term {
		n.term, n.votedFor = term, ""
	}
	if n.isLeader() && len(n.pending) > 0 {
		env.Logf("%s drops %d unconfirmed operations", n.id, len(n.pending))
	}
	n.role, n.leader, n.pending = "follower", leader, nil
	n.persist(env)
	n.resetElection(env)
}

func (n *pbNode) broadcastSync(env *sim.Env) {
	msg := pbSync{Term: n.term, Seq: n.lastSeq, Snap: n.m.snapshot()}
	for _, p := range env.Peers() {
		env.Send(p, msg)
	}
}

func (n *pbNode) Handle(env *sim.Env, m sim.Message) {
	if _, isPeer := n.heardTick[m.Src]; isPeer {
		n.heardTick[m.Src] = n.tick
	}
	switch b := m.Body.(type) {
	case pbHello:
		return
	case pbSync:
		n.onSync(env, m, b)
		return
	case pbSyncAck:
		n.onSyncAck(env, m, b)
		return
	case pbVoteReq:
		n.onVoteReq(env, m, b)
		return
	case pbVoteReply:
		n.onVoteReply(env, m, b)
		return
	}
	orig, req, ok := Request(m)
	if !ok {
		return
	}
	if !n.isLeader() {
		_, forwarded := m.Body.(Forwarded)
		silent := n.tick-n.heardTick[n.leader] > pbForwardTicks
		if n.leader == "" || n.leader == n.id || forwarded || silent {
			// No leader known, a leader gone quiet, or a second hop: fail
			// definitely rather than send the request into the void or
			// bounce it between confused nodes.
			env.ReplyError(orig, "no-leader", true, n.leader)
			return
		}
		Forward(env, n.leader, orig, req)
		return
	}
	n.serve(env, orig, req)
}

func (n *pbNode) serve(env *sim.Env, client sim.Message, req sim.ClientRequest) {
	if n.served[req.ReqID] {
		return
	}
	n.served[req.ReqID] = true
	result, code := n.m.apply(req.Request)
	if code != "" {
		// A failed compare changes nothing: failing at once is safe.
		env.ReplyError(client, code, true, n.id)
		return
	}
	if req.F != "read" {
		n.lastSeq++
		n.persist(env)
	}
	if !n.opt.ackMajority {
		// Acknowledged now; the followers learn of it on the next tick.
		env.ReplyOK(client, result)
		return
	}
	if req.F == "read" {
		// A read needs its own round too: only a majority's answer shows
		// that this node still leads and that what it returns is committed.
		n.lastSeq++
	}
	n.pending = append(n.pending, pbPending{seq: n.lastSeq, client: client, result: result})
	if len(env.Nodes()) == 1 {
		n.commit(env)
		return
	}
	n.broadcastSync(env)
}

func (n *pbNode) onSync(env *sim.Env, m sim.Message, b pbSync) {
	if !n.opt.electMajority {
		// Whoever this node thinks leads is obeyed; anyone else is ignored.
		if m.Src != n.leader || (m.Src == n.syncSrc && b.Seq <= n.lastSeq) {
			return
		}
		n.syncSrc, n.lastSeq = m.Src, b.Seq
		n.m.restore(b.Snap)
		n.persist(env)
		return
	}
	if b.Term < n.term {
		env.Reply(m, pbSyncAck{Term: n.term})
		return
	}
	if b.Term > n.term || n.role != "follower" || n.leader != m.Src {
		n.stepDown(env, b.Term, m.Src)
	}
	n.resetElection(env)
	if b.Term > n.lastTerm || (b.Term == n.lastTerm && b.Seq > n.lastSeq) {
		n.lastTerm, n.lastSeq = b.Term, b.Seq
		n.m.restore(b.Snap)
		n.persist(env)
	}
	env.Reply(m, pbSyncAck{Term: n.term, Seq: n.lastSeq, OK: true})
}

func (n *pbNode) onSyncAck(env *sim.Env, m sim.Message, b pbSyncAck) {
	if b.Term > n.term {
		env.Logf("%s learns of term %d from %s", n.id, b.Term, m.Src)
		n.stepDown(env, b.Term, "")
		return
	}
	if !n.isLeader() || !b.OK || b.Term != n.term {
		return
	}
	if b.Seq > n.acked[m.Src] {
		n.acked[m.Src] = b.Seq
	}
	n.commit(env)
}

// commit answers every pending operation whose snapshot a majority holds.
func (n *pbNode) commit(env *sim.Env) {
	if len(n.pending) == 0 {
		return
	}
	seqs := []int64{n.lastSeq}
	for _, p := range env.Peers() {
		seqs = append(seqs, n.acked[p])
	}
	slices.Sort(seqs)
	committed := seqs[len(seqs)-pbMajority(env)] // the majority-th highest
	done := 0
	for _, p := range n.pending {
		if p.seq > committed {
			break
		}
		env.ReplyOK(p.client, p.result)
		done++
	}
	n.pending = n.pending[done:]
}

func (n *pbNode) onVoteReq(env *sim.Env, m sim.Message, b pbVoteReq) {
	if b.Term > n.term {
		n.stepDown(env, b.Term, "")
	}
	upToDate := b.LastTerm > n.lastTerm || (b.LastTerm == n.lastTerm && b.LastSeq >= n.lastSeq)
	grant := b.Term == n.term && (n.votedFor == "" || n.votedFor == m.Src) && upToDate
	if grant {
		n.votedFor = m.Src
		n.persist(env)
		n.resetElection(env)
	}
	env.Reply(m, pbVoteReply{Term: n.term, Granted: grant})
}

func (n *pbNode) onVoteReply(env *sim.Env, m sim.Message, b pbVoteReply) {
	if b.Term > n.term {
		n.stepDown(env, b.Term, "")
		return
	}
	if n.role != "candidate" || b.Term != n.term || !b.Granted {
		return
	}
	if n.votes[m.Src] {
		return // a duplicated vote counts once
	}
	n.votes[m.Src] = true
	if len(n.votes) == pbMajority(env) {
		n.becomeLeader(env)
		n.persist(env)
		n.broadcastSync(env)
	}
}

func (n *pbNode) Status() sim.Status {
	st := sim.Status{Role: n.role, Term: n.term, Leader: n.leader}
	if n.m != nil {
		st.Value = n.m.describe()
	}
	if n.opt.electMajority {
		st.Detail = fmt.Sprintf("copy term %d seq %d", n.lastTerm, n.lastSeq)
		if n.isLeader() && len(n.pending) > 0 {
			st.Detail += fmt.Sprintf(", %d waiting for a pbMajority", len(n.pending))
		}
		return st
	}
	var sees []string
	for p, t := range n.heardTick {
		if n.tick-t <= pbVisibleTicks {
			sees = append(sees, p)
		}
	}
	slices.SortFunc(sees, func(a, b string) int {
		if pbNodeLess(a, b) {
			return -1
		}
		return 1
	})
	st.Detail = "sees " + strings.Join(append([]string{n.id}, sees...), " ")
	return st
}

func pbDescribe(s any) string {
	if xs, ok := s.([]any); ok {
		return describeElems(xs)
	}
	return history.Format(s)
}
