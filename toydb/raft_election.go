package toydb

import (
	"github.com/faultline-lab/faultline/sim"
)

// resetElection arms the election timer with a fresh random timeout: the
// randomness is what keeps candidates from splitting the vote forever.
func (n *raftNode) resetElection(env *sim.Env) {
	env.CancelTimer(n.election)
	d := RaftElectionMinNs + env.Rand().Int64N(RaftElectionMaxNs-RaftElectionMinNs+1)
	n.election = env.SetTimer(d, "election")
}

// becomeFollower follows leader (or nobody, "") in term, which is never
// lower than the node's own.
func (n *raftNode) becomeFollower(env *sim.Env, term int64, leader string) {
	if term > n.term {
		n.setTerm(env, term, "")
	}
	if n.role == roleLeader {
		n.stepDown(env, leader)
	}
	env.CancelTimer(n.heartbeat)
	n.role, n.leader = roleFollower, leader
	n.resetElection(env)
	if leader != "" && len(n.held) > 0 {
		n.release(env)
	}
}

// startElection: the election timer fired without a word from a leader.
func (n *raftNode) startElection(env *sim.Env) {
	if n.role == roleLeader {
		return
	}
	n.setTerm(env, n.term+1, n.id)
	n.role, n.leader = roleCandidate, ""
	n.votes = map[string]bool{n.id: true}
	env.Logf("election for term %d", n.term)
	n.resetElection(env)
	if len(n.votes) >= n.majority(env) {
		n.becomeLeader(env)
		return
	}
	n.requestVotes(env)
	env.CancelTimer(n.heartbeat)
	n.heartbeat = env.SetTimer(RaftHeartbeatNs, "heartbeat")
}

// requestVotes asks every peer that has not granted its vote yet. A
// candidate asks again every heartbeat interval, as Raft retries any RPC
// that goes unanswered: the network may have lost the request.
func (n *raftNode) requestVotes(env *sim.Env) {
	v := raftVote{Term: n.term, LastIndex: n.lastIndex(), LastTerm: n.lastTerm()}
	for _, p := range env.Peers() {
		if !n.votes[p] {
			env.Send(p, v)
		}
	}
}

// onVote is RequestVote: one vote per term, and only for a candidate whose
// log is at least as up to date as ours (§5.4.1), so that every leader
// holds every committed entry.
func (n *raftNode) onVote(env *sim.Env, m sim.Message, b raftVote) {
	if b.Term > n.term {
		n.becomeFollower(env, b.Term, "")
	}
	upToDate := b.LastTerm > n.lastTerm() || b.LastTerm == n.lastTerm() && b.LastIndex >= n.lastIndex()
	grant := b.Term == n.term && (n.votedFor == "" || n.votedFor == m.Src) &&
		(upToDate || n.bugs.noElectionRestriction)
	if grant {
		n.setTerm(env, n.term, m.Src)
		n.resetElection(env)
	}
	env.Reply(m, raftVoteReply{Term: n.term, Granted: grant})
}

func (n *raftNode) onVoteReply(env *sim.Env, m sim.Message, b raftVoteReply) {
	if b.Term > n.term {
		n.becomeFollower(env, b.Term, "")
		return
	}
	if n.role != roleCandidate || b.Term != n.term || !b.Granted {
		return
	}
	n.votes[m.Src] = true // a set: a duplicated reply counts once
	if len(n.votes) >= n.majority(env) {
		n.becomeLeader(env)
	}
}

// becomeLeader takes over. It learns which entries are committed only
// once an entry of its own term commits: the first write, or a no-op that
// the first read appends (raft_reads.go).
func (n *raftNode) becomeLeader(env *sim.Env) {
	env.CancelTimer(n.election)
	env.CancelTimer(n.heartbeat)
	n.role, n.leader = roleLeader, n.id
	env.Logf("leader of term %d", n.term)
	n.nextIndex, n.matchIndex = map[string]int64{}, map[string]int64{}
	n.acked, n.heard = map[string]int64{}, map[string]bool{}
	n.reads, n.ticks = nil, 0
	for _, p := range env.Peers() {
		n.nextIndex[p] = n.lastIndex() + 1
	}
	n.termStart = 0
	n.broadcast(env)
	n.advanceCommit(env)
	n.heartbeat = env.SetTimer(RaftHeartbeatNs, "heartbeat")
	n.release(env)
}

// stepDown leaves the leader's role. Reads waiting for confirmation fail
// (a read has no effect, so the failure is definite); proposed writes stay
// pending and are answered if this node later applies them.
func (n *raftNode) stepDown(env *sim.Env, leader string) {
	for _, r := range n.reads {
		env.ReplyError(r.msg, "not-leader", true, leader)
	}
	n.reads = nil
}

// onHeartbeat ticks while the node leads or campaigns. A candidate asks
// again for the votes it lacks. A leader keeps followers quiet and, every
// election timeout, checks that a majority still answers; a leader cut off
// steps down, so clients stop waiting on it.
func (n *raftNode) onHeartbeat(env *sim.Env) {
	switch n.role {
	case roleCandidate:
		n.requestVotes(env)
		n.heartbeat = env.SetTimer(RaftHeartbeatNs, "heartbeat")
		return
	case roleFollower:
		return
	}
	n.broadcast(env)
	n.ticks++
	if n.ticks%(RaftElectionMaxNs/RaftHeartbeatNs) == 0 {
		if len(n.heard)+1 < n.majority(env) {
			env.Logf("lost touch with a majority; stepping down")
			n.becomeFollower(env, n.term, "")
			return
		}
		n.heard = map[string]bool{}
	}
	n.heartbeat = env.SetTimer(RaftHeartbeatNs, "heartbeat")
}
