package toydb

import (
	"github.com/faultline-lab/faultline/sim"
)

// propose appends a client's write or cas to the leader's log and starts
// replicating it; the client is answered once the entry is applied.
func (n *raftNode) propose(env *sim.Env, m sim.Message, req sim.Request) {
	n.appendEntry(env, req)
	n.pending[n.lastIndex()] = raftPending{term: n.term, msg: m}
	n.broadcast(env)
	n.advanceCommit(env)
}

// appendEntry appends an entry of the leader's term to its own log.
func (n *raftNode) appendEntry(env *sim.Env, req sim.Request) {
	n.appendLog(env, n.lastIndex(), []raftEntry{{Term: n.term, Op: req}})
	if n.termStart == 0 {
		n.termStart = n.lastIndex()
	}
}

func (n *raftNode) broadcast(env *sim.Env) {
	for _, p := range env.Peers() {
		n.sendAppend(env, p)
	}
}

// sendAppend sends a peer the entries from its nextIndex on (a heartbeat
// when it has them all). The message shares the log's array without a
// copy: appends write past its end, and truncate copies the log first, so
// what is in flight never changes.
func (n *raftNode) sendAppend(env *sim.Env, peer string) {
	next := min(n.nextIndex[peer], n.lastIndex()+1)
	end := min(n.lastIndex()+1, next+raftMaxBatch)
	var entries []raftEntry
	if next < end {
		entries = n.log[next:end:end]
	}
	env.Send(peer, raftAppend{
		Term: n.term, PrevIndex: next - 1, PrevTerm: n.log[next-1].Term,
		Entries: entries, Commit: n.commitIndex, Round: n.round,
	})
}

// onAppend is AppendEntries at a follower: the consistency check on
// prevLogIndex/prevLogTerm, then conflict truncation and append (§5.3).
func (n *raftNode) onAppend(env *sim.Env, m sim.Message, b raftAppend) {
	if b.Term < n.term {
		env.Reply(m, raftAppendReply{Term: n.term, Round: b.Round})
		return
	}
	n.becomeFollower(env, b.Term, m.Src)
	refuse := func(next int64) {
		env.Reply(m, raftAppendReply{Term: n.term, Next: max(next, 1), Round: b.Round})
	}
	if b.PrevIndex > n.lastIndex() {
		refuse(n.lastIndex() + 1)
		return
	}
	if t := n.log[b.PrevIndex].Term; t != b.PrevTerm {
		// Skip back over the whole conflicting term in one round trip.
		i := b.PrevIndex
		for i > 1 && n.log[i-1].Term == t {
			i--
		}
		refuse(i)
		return
	}
	n.merge(env, b.PrevIndex, b.Entries)
	lastNew := b.PrevIndex + int64(len(b.Entries))
	if b.Commit > n.commitIndex {
		n.commitIndex = max(n.commitIndex, min(b.Commit, lastNew))
		n.apply(env)
	}
	env.Reply(m, raftAppendReply{Term: n.term, Success: true, Match: lastNew, Round: b.Round})
}

// merge adds entries after prev. An entry already present with the same
// term is kept, and so is everything after it: a late or duplicated
// AppendEntries must not cut entries the follower already acknowledged.
// Only a real conflict (same index, other term) truncates.
func (n *raftNode) merge(env *sim.Env, prev int64, entries []raftEntry) {
	if n.bugs.truncateOnAppend {
		n.appendLog(env, prev, entries)
		return
	}
	for k, e := range entries {
		i := prev + 1 + int64(k)
		if i <= n.lastIndex() && n.log[i].Term == e.Term {
			continue
		}
		n.appendLog(env, i-1, entries[k:])
		return
	}
}

func (n *raftNode) onAppendReply(env *sim.Env, m sim.Message, b raftAppendReply) {
	if b.Term > n.term {
		n.becomeFollower(env, b.Term, "")
		return
	}
	if n.role != roleLeader || b.Term != n.term {
		return
	}
	p := m.Src
	n.heard[p] = true
	n.acked[p] = max(n.acked[p], b.Round)
	if b.Success {
		n.matchIndex[p] = max(n.matchIndex[p], b.Match)
		n.nextIndex[p] = max(n.nextIndex[p], b.Match+1)
		n.advanceCommit(env)
		if n.nextIndex[p] <= n.lastIndex() {
			n.sendAppend(env, p)
		}
	} else if next := max(n.matchIndex[p]+1, min(b.Next, n.nextIndex[p])); next < n.nextIndex[p] {
		// Back up and retry at once; a refusal that moves nothing (a late
		// duplicate) waits for the next heartbeat instead of ping-ponging.
		n.nextIndex[p] = next
		n.sendAppend(env, p)
	}
	n.serveReads(env)
}

// advanceCommit commits the highest index a majority holds, counting only
// an entry of the leader's own term: an older entry on a majority can
// still be overwritten (§5.4.2, Figure 8); it commits along with it.
func (n *raftNode) advanceCommit(env *sim.Env) {
	if n.bugs.commitWithoutMajority {
		n.commitIndex = n.lastIndex()
		n.apply(env)
		return
	}
	for i := n.lastIndex(); i > n.commitIndex && n.log[i].Term == n.term; i-- {
		count := 1
		for _, p := range env.Peers() {
			if n.matchIndex[p] >= i {
				count++
			}
		}
		if count >= n.majority(env) {
			n.commitIndex = i
			n.apply(env)
			return
		}
	}
}
