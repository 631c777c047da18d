package toydb

import (
	"slices"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// resetElection arms the election timer with a fresh random timeout: the
// randomness keeps candidates from splitting the vote forever.
func (r *replica) resetElection(env *sim.Env) {
	if r.p.Election == ElectFixed || r.p.Election == ElectLowestID {
		return
	}
	env.CancelTimer(r.election)
	d := CoreElectionMinNs + env.Rand().Int64N(CoreElectionMaxNs-CoreElectionMinNs+1)
	r.election = env.SetTimer(d, tickElection)
}

// campaign: the deadline passed without a word from a leader.
func (r *replica) campaign(env *sim.Env) {
	r.setTerm(env, r.term+1, r.id)
	r.role, r.leader = sim.RoleCandidate, ""
	r.votes = map[string]bool{r.id: true}
	r.logf(env, "election for term %d", r.term)
	r.resetElection(env)
	if len(r.votes) >= env.Majority() {
		r.becomeLeader(env)
		return
	}
	r.requestVotes(env)
	r.beat(env)
}

// requestVotes asks every peer that has not granted its vote; a candidate
// asks again every heartbeat, as Raft retries an unanswered RPC.
func (r *replica) requestVotes(env *sim.Env) {
	// One body for every peer: a body is a value no one changes, and
	// making it an interface once saves an allocation per send.
	var v sim.Body = voteReq{Term: r.term, LastIndex: r.lastIndex(), LastTerm: r.lastTerm()}
	for _, p := range env.Peers() {
		if !r.votes[p] {
			env.Send(p, v)
		}
	}
}

// onVote is RequestVote: one vote per term, and (ElectMajority) only for a
// candidate whose log is at least as up to date as ours, so that every
// leader holds every committed entry.
func (r *replica) onVote(env *sim.Env, m sim.Message, b voteReq) {
	if r.p.Election != ElectMajority && r.p.Election != ElectAnyLog {
		return
	}
	if !r.isLeader() && b.Term > r.term && env.Monotonic()-r.leaderAt < CoreElectionMinNs {
		// A leader was heard within an election timeout: this candidate is
		// a disruption (thesis §4.2.3), and the leader's lease may run.
		return
	}
	if b.Term > r.term {
		r.becomeFollower(env, b.Term, "")
	}
	upToDate := b.LastTerm > r.lastTerm() || b.LastTerm == r.lastTerm() && b.LastIndex >= r.lastIndex()
	grant := b.Term == r.term && (r.vote == "" || r.vote == m.Src) && (upToDate || r.p.Election == ElectAnyLog)
	if grant {
		r.setTerm(env, r.term, m.Src)
		r.resetElection(env)
	}
	env.Reply(m, voteReply{Term: r.term, Granted: grant})
}

func (r *replica) onVoteReply(env *sim.Env, m sim.Message, b voteReply) {
	if b.Term > r.term {
		r.becomeFollower(env, b.Term, "")
		return
	}
	if r.role != sim.RoleCandidate || b.Term != r.term || !b.Granted {
		return
	}
	r.votes[m.Src] = true // a set: a duplicated vote counts once
	if len(r.votes) >= env.Majority() {
		r.becomeLeader(env)
	}
}

// becomeFollower follows leader (or nobody, "") in term, never lower than
// the node's own.
func (r *replica) becomeFollower(env *sim.Env, term int64, leader string) {
	if term > r.term {
		r.setTerm(env, term, "")
	}
	if r.isLeader() {
		r.stepDown(env, leader)
	}
	r.role, r.leader = sim.RoleFollower, leader
	r.resetElection(env)
	if leader != "" {
		r.leaderAt = env.Monotonic()
		r.release(env)
	}
}

// becomeLeader takes over and appends a no-op of its term: once it
// commits, so has every entry before it, and reads may use the commit index.
func (r *replica) becomeLeader(env *sim.Env) {
	r.role, r.leader = r.p.Role, r.id
	env.CancelTimer(r.election)
	r.logf(env, "leads term %d", r.term)
	clear(r.match)
	clear(r.acked)
	clear(r.next)
	clear(r.ackAt)
	r.round, r.confirmed, r.sentAt, r.leaseUntil, r.reads = 0, 0, nil, 0, nil
	for i, id := range env.Nodes() {
		if id != r.id {
			r.next[i] = r.lastIndex() + 1
			r.ackAt[i] = env.Monotonic() // in sync until shown otherwise
		}
	}
	r.isr = slices.Clone(env.Nodes())
	r.appendLog(env, r.lastIndex(), []entry{{Term: r.term}})
	r.termStart = r.lastIndex()
	r.broadcast(env)
	r.advanceCommit(env)
	r.release(env)
	r.beat(env)
}

// stepDown leaves the leader's role. Reads waiting for confirmation fail
// (a read has no effect, so the failure is definite); writes stay pending
// and are answered if this node later applies them.
func (r *replica) stepDown(env *sim.Env, leader string) {
	for _, rd := range r.reads {
		env.ReplyError(rd.msg, history.ErrorNotLeader, true, leader)
	}
	r.reads = nil
}

// onBeat is the heartbeat: a leader replicates and checks its quorum, a
// candidate asks again for the votes it lacks, and under the lowest-id
// rule everyone says hello and looks again at whom it can hear.
func (r *replica) onBeat(env *sim.Env) {
	if r.p.Election == ElectLowestID {
		r.chooseLowest(env)
		if !r.isLeader() {
			for _, p := range env.Peers() {
				env.Send(p, hello{})
			}
		}
	}
	switch {
	case r.role == sim.RoleCandidate:
		r.requestVotes(env)
	case r.isLeader():
		if r.p.CheckQuorum && !r.hearsMajority(env, CoreElectionMaxNs) {
			r.logf(env, "hears no majority: steps down")
			r.becomeFollower(env, r.term, "")
			return
		}
		r.updateISR(env)
		r.advanceCommit(env)
		r.broadcast(env)
		r.serveReads(env)
	}
}

// chooseLowest is the rule without a majority: the lowest id among the
// nodes this node has heard from within CoreFreshNs (itself included) leads.
func (r *replica) chooseLowest(env *sim.Env) {
	lowest := r.id
	for i, p := range env.Nodes() {
		if p != r.id && env.Monotonic()-r.heardAt[i] <= CoreFreshNs && nodeLess(p, lowest) {
			lowest = p
		}
	}
	switch {
	case lowest == r.id && !r.isLeader():
		// A term of its own: the smallest above any it has seen that no other
		// node can pick (n1 takes 1, n+1, ...; n2 takes 2, n+2, ...), so two
		// leaders never share one.
		n := int64(len(env.Nodes()))
		t := r.term + 1
		t += (int64(slices.Index(env.Nodes(), r.id)+1) - t%n + n) % n
		r.setTerm(env, t, r.id)
		r.logf(env, "sees no lower id: it leads")
		r.becomeLeader(env)
	case lowest != r.id && r.leader != lowest:
		if r.isLeader() {
			r.stepDown(env, lowest)
		}
		r.role, r.leader = sim.RoleFollower, lowest
		r.leaderAt = env.Monotonic()
	}
}

// nodeLess orders node ids numerically: n2 < n10.
func nodeLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
