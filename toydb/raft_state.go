package toydb

import (
	"fmt"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// Raft roles, as the cluster view and the nemesis's leader targeting read them.
const (
	roleFollower  = sim.RoleFollower
	roleCandidate = sim.RoleCandidate
	roleLeader    = sim.RoleLeader
)

// raftEntry is one log entry: the term of the leader that created it and
// the client's operation (F "" is the no-op a new leader appends).
type raftEntry struct {
	Term int64
	Op   sim.Request
}

func (e raftEntry) String() string {
	if e.Op.F == "" {
		return fmt.Sprintf("t%d no-op", e.Term)
	}
	return fmt.Sprintf("t%d %s", e.Term, sim.ClientRequest{Request: e.Op})
}

// raftPending is a client write waiting for its entry to be applied.
type raftPending struct {
	term int64
	msg  sim.Message
}

// raftRead is a client read waiting for its heartbeat round and for the
// state machine to reach its read index.
type raftRead struct {
	msg   sim.Message
	key   string
	round int64
	index int64
}

type raftNode struct {
	id   string
	bugs raftBugs

	// Persistent (raft_persist.go): synced before any RPC is answered.
	term     int64
	votedFor string
	log      []raftEntry // log[0] is a sentinel of term 0; indexes start at 1

	// Volatile.
	role        sim.Role
	leader      string
	commitIndex int64
	lastApplied int64
	kv          map[string]any
	election    sim.TimerID
	heartbeat   sim.TimerID
	votes       map[string]bool

	// Leader only.
	nextIndex  map[string]int64
	matchIndex map[string]int64
	acked      map[string]int64 // highest heartbeat round each peer answered in this term
	heard      map[string]bool  // peers heard from since the last quorum check
	termStart  int64            // index of this term's first entry; 0 while there is none
	round      int64
	reads      []raftRead
	ticks      int

	// Any node that once led: writes it proposed, by log index.
	pending map[int64]raftPending
	// Client requests that arrived while no leader was known (raft_redirect.go).
	held      []sim.Message
	holdTimer sim.TimerID
}

func (n *raftNode) Start(env *sim.Env) {
	n.kv = map[string]any{}
	n.pending = map[int64]raftPending{}
	n.recover(env)
	n.becomeFollower(env, n.term, "")
}

// Handle and Timer sync the disk when they finish. A handler runs as one
// step of the simulation, so no crash falls between its sends and the
// sync: that is the same as syncing before every reply, as Raft requires.
func (n *raftNode) Handle(env *sim.Env, m sim.Message) {
	defer n.sync(env)
	switch b := m.Body.(type) {
	case raftVote:
		n.onVote(env, m, b)
	case raftVoteReply:
		n.onVoteReply(env, m, b)
	case raftAppend:
		n.onAppend(env, m, b)
	case raftAppendReply:
		n.onAppendReply(env, m, b)
	default:
		if orig, req, ok := Request(m); ok {
			n.onClient(env, orig, req)
		}
	}
}

func (n *raftNode) Timer(env *sim.Env, tag any) {
	defer n.sync(env)
	switch tag {
	case "election":
		n.startElection(env)
	case "heartbeat":
		n.onHeartbeat(env)
	case "release":
		n.release(env)
	}
}

func (n *raftNode) lastIndex() int64 { return int64(len(n.log) - 1) }

func (n *raftNode) lastTerm() int64 { return n.log[len(n.log)-1].Term }

func (n *raftNode) majority(env *sim.Env) int { return len(env.Nodes())/2 + 1 }

// onClient serves a client's request: only the leader does, except for
// the read switches. The not-leader error is definite: nothing was appended.
func (n *raftNode) onClient(env *sim.Env, m sim.Message, req sim.ClientRequest) {
	if req.F == "read" && (n.bugs.followerReads || n.bugs.leaderLocalReads && n.role == roleLeader) {
		env.ReplyOK(m, n.kv[req.Key])
		return
	}
	if n.role != roleLeader {
		n.redirect(env, m)
		return
	}
	switch req.F {
	case "read":
		n.startRead(env, m, req.Key)
	case "write", "cas":
		n.propose(env, m, req.Request)
	default:
		env.ReplyError(m, "unsupported", true, n.leader)
	}
}

// apply runs committed entries through the state machine, answering the
// clients whose writes this node proposed.
func (n *raftNode) apply(env *sim.Env) {
	for n.lastApplied < n.commitIndex {
		n.lastApplied++
		e := n.log[n.lastApplied]
		res, code := n.applyOp(e.Op)
		if p, ok := n.pending[n.lastApplied]; ok {
			delete(n.pending, n.lastApplied)
			switch {
			case p.term != e.Term && n.bugs.ackByIndex:
				env.ReplyOK(p.msg, nil) // as if the entry were the client's own
			case p.term != e.Term:
				// Another entry won this index; ours might still commit elsewhere.
				env.ReplyError(p.msg, "superseded", false, n.leader)
			case code != "":
				env.ReplyError(p.msg, code, true, n.leader)
			default:
				env.ReplyOK(p.msg, res)
			}
		}
	}
	n.serveReads(env)
}

// applyOp is the key-value state machine. A cas whose compare misses is a
// definite failure: it was applied, as a no-op, at its place in the log.
func (n *raftNode) applyOp(op sim.Request) (any, string) {
	switch op.F {
	case "write":
		n.kv[op.Key] = op.Value
		return op.Value, ""
	case "cas":
		ft, ok := op.Value.([]any)
		if !ok || len(ft) != 2 {
			return nil, "malformed-cas"
		}
		if !sameValue(n.kv[op.Key], ft[0]) {
			return nil, "cas-mismatch"
		}
		n.kv[op.Key] = ft[1]
		return op.Value, ""
	}
	return nil, ""
}

func sameValue(a, b any) bool {
	x, ok1 := history.Int(a)
	y, ok2 := history.Int(b)
	if ok1 && ok2 {
		return x == y
	}
	return history.Format(a) == history.Format(b)
}

func (n *raftNode) Status() sim.Status {
	keys := make([]string, 0, len(n.kv))
	for k := range n.kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + history.Format(n.kv[k])
	}
	value := strings.Join(parts, " ")
	if value == "" {
		value = "(empty)"
	}
	return sim.Status{
		Role: n.role, Term: n.term, Leader: n.leader, Value: value,
		Detail: fmt.Sprintf("commit %d · last %d", n.commitIndex, n.lastIndex()),
	}
}
