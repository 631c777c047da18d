package toydb

import (
	"maps"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// broadcast sends every follower what it lacks, as a new round. Followers
// that lack the same entries get the same body: a body is a value no one
// changes, and making it an interface once saves an allocation per send.
func (r *replica) broadcast(env *sim.Env) {
	r.round++
	r.sentAt = append(r.sentAt, env.Now())
	var body sim.Body
	from := int64(-1) // the next index body starts at
	for i, p := range env.Nodes() {
		if p == r.id {
			continue
		}
		if next := min(r.next[i], r.lastIndex()+1); next <= r.snap.Index {
			r.sendAppend(env, i) // a snapshot: each its own copy of the state
		} else {
			if body == nil || next != from {
				body, from = r.appendFrom(next), next
			}
			env.Send(p, body)
		}
	}
}

// sendAppend sends a peer the entries from its next index on (a heartbeat
// when it has them all), or the state machine when the log no longer holds
// them.
func (r *replica) sendAppend(env *sim.Env, peer int) {
	next := min(r.next[peer], r.lastIndex()+1)
	if next <= r.snap.Index {
		s := snapshot{Index: r.applied, Term: r.termAt(r.applied), State: r.m.State(), Sessions: maps.Clone(r.sessions)}
		env.Send(env.Nodes()[peer], snapshotReq{Term: r.term, Snap: s, Round: r.round})
		return
	}
	env.Send(env.Nodes()[peer], r.appendFrom(next))
}

// appendFrom is the AppendEntries of this round from index next on. It
// shares the log's array without a copy: appends write past its end, and
// truncate and compact copy the log first, so what is in flight never
// changes.
func (r *replica) appendFrom(next int64) appendReq {
	end := min(r.lastIndex()+1, next+coreMaxBatch)
	var entries []entry
	if next < end {
		lo, hi := next-r.snap.Index-1, end-r.snap.Index-1
		entries = r.log[lo:hi:hi]
	}
	a := appendReq{Term: r.term, PrevIndex: next - 1, PrevTerm: r.termAt(next - 1),
		Entries: entries, Commit: r.commit, Round: r.round}
	if r.p.Commit == CommitInSync {
		a.ISR = r.isr
	}
	return a
}

// obey decides whether to take entries from m's sender as the leader of
// term: under the lowest-id rule, whoever this node thinks leads, whatever
// its term; otherwise a leader of a term no older than the node's own. It
// refuses the others with its own term and no round: a round belongs to
// the term that sent it, and a newer leader must not count the answer.
func (r *replica) obey(env *sim.Env, m sim.Message, term int64) bool {
	switch {
	case r.p.Election == ElectLowestID:
		if term > r.term {
			r.setTerm(env, term, "")
		}
		if m.Src == r.leader {
			r.leaderAt = env.Monotonic()
		}
		return m.Src == r.leader
	case term < r.term:
		env.Reply(m, appendReply{Term: r.term, Next: r.lastIndex() + 1})
		return false
	}
	r.becomeFollower(env, term, m.Src)
	return true
}

// onAppend is AppendEntries at a follower: the consistency check on the
// previous index and term, then conflict truncation and append (§5.3).
func (r *replica) onAppend(env *sim.Env, m sim.Message, b appendReq) {
	if !r.obey(env, m, b.Term) {
		return
	}
	if b.ISR != nil {
		r.isr = b.ISR
	}
	refuse := func(next int64) { env.Reply(m, appendReply{Term: r.term, Next: next, Round: b.Round}) }
	if b.PrevIndex > r.lastIndex() {
		refuse(r.lastIndex() + 1)
		return
	}
	if b.PrevIndex < r.snap.Index {
		// The snapshot holds what comes first: check the entries against it.
		skip := r.snap.Index - b.PrevIndex
		if skip > int64(len(b.Entries)) {
			env.Reply(m, appendReply{Term: r.term, Success: true, Match: b.PrevIndex + int64(len(b.Entries)), Round: b.Round})
			return
		}
		if skip > 0 && b.Entries[skip-1].Term != r.snap.Term {
			refuse(0) // a conflict inside what this node compacted: it needs the leader's state
			return
		}
		b.PrevIndex, b.PrevTerm, b.Entries = r.snap.Index, r.snap.Term, b.Entries[skip:]
	}
	if t := r.termAt(b.PrevIndex); t != b.PrevTerm {
		if b.PrevIndex == r.snap.Index {
			refuse(0)
			return
		}
		// Skip back over the whole conflicting term in one round trip.
		i := b.PrevIndex
		for i > r.snap.Index+1 && r.termAt(i-1) == t {
			i--
		}
		refuse(i)
		return
	}
	r.merge(env, b.PrevIndex, b.Entries)
	lastNew := b.PrevIndex + int64(len(b.Entries))
	if c := min(b.Commit, lastNew); c > r.commit {
		r.commit = c
		r.apply(env)
	}
	env.Reply(m, appendReply{Term: r.term, Success: true, Match: lastNew, Round: b.Round})
}

// merge adds entries after prev. An entry already present with the same
// term is kept, and so is everything after it: a late or duplicated
// AppendEntries must not cut entries the follower already acknowledged.
// Only a real conflict (same index, other term) truncates.
func (r *replica) merge(env *sim.Env, prev int64, entries []entry) {
	if r.p.TruncateOnAppend {
		r.appendLog(env, prev, entries)
		return
	}
	for k, e := range entries {
		i := prev + 1 + int64(k)
		if i <= r.lastIndex() && r.termAt(i) == e.Term {
			continue
		}
		r.appendLog(env, i-1, entries[k:])
		return
	}
}

// onSnapshot is InstallSnapshot at a follower.
func (r *replica) onSnapshot(env *sim.Env, m sim.Message, b snapshotReq) {
	if !r.obey(env, m, b.Term) {
		return
	}
	s := b.Snap
	have := s.Index < r.snap.Index || s.Index <= r.commit && r.termAt(s.Index) == s.Term
	if !have {
		r.logf(env, "installs the leader's snapshot up to %d", s.Index)
		r.installSnapshot(env, s)
	}
	env.Reply(m, appendReply{Term: r.term, Success: true, Match: s.Index, Round: b.Round})
}

func (r *replica) onAppendReply(env *sim.Env, m sim.Message, b appendReply) {
	if r.p.Election != ElectLowestID {
		if b.Term > r.term {
			r.becomeFollower(env, b.Term, "")
			return
		}
		if b.Term != r.term {
			return
		}
	}
	if !r.isLeader() {
		return
	}
	p := r.peer(env, m.Src)
	if p < 0 {
		return // not a peer's answer
	}
	if b.Round <= r.round {
		r.acked[p] = max(r.acked[p], b.Round)
	}
	switch {
	case b.Success:
		r.ackAt[p] = env.Monotonic()
		r.match[p] = max(r.match[p], b.Match)
		r.next[p] = max(r.next[p], b.Match+1)
		r.updateISR(env)
		r.advanceCommit(env)
		if r.next[p] <= r.lastIndex() {
			r.sendAppend(env, p)
		}
	case b.Next == 0:
		r.next[p] = r.snap.Index
		r.sendAppend(env, p)
	default:
		// Back up and retry at once; a refusal that moves nothing (a late
		// duplicate) waits for the next heartbeat instead of ping-ponging.
		if next := max(r.match[p]+1, min(b.Next, r.next[p])); next < r.next[p] {
			r.next[p] = next
			r.sendAppend(env, p)
		}
	}
	r.confirm(env)
}

// advanceCommit moves the commit index as the commit rule says.
func (r *replica) advanceCommit(env *sim.Env) {
	c := r.commit
	switch r.p.Commit {
	case CommitLeader:
		c = r.lastIndex()
	case CommitMajority:
		// Only an entry of the leader's own term counts: an older entry on a
		// majority can still be overwritten (§5.4.2, Figure 8).
		for i := r.lastIndex(); i > r.commit && r.termAt(i) == r.term && c == r.commit; i-- {
			n := 1 // the nodes whose log holds i, this one included
			for p, id := range env.Nodes() {
				if id != r.id && r.match[p] >= i {
					n++
				}
			}
			if n >= env.Majority() {
				c = i
			}
		}
	case CommitInSync:
		if len(r.isr) < r.minInSync(env) {
			return
		}
		hw := r.lastIndex()
		for _, id := range r.isr {
			if p := r.peer(env, id); p >= 0 {
				hw = min(hw, r.match[p])
			}
		}
		if r.termAt(hw) == r.term {
			c = max(c, hw)
		}
	}
	if c > r.commit {
		r.commit = c
		r.apply(env)
	}
}

func (r *replica) minInSync(env *sim.Env) int {
	if r.p.MinInSync > 0 {
		return r.p.MinInSync
	}
	return env.Majority()
}

// updateISR drops followers that have been silent too long and takes back
// those that answer again and hold everything committed.
func (r *replica) updateISR(env *sim.Env) {
	if r.p.Commit != CommitInSync {
		return
	}
	var buf [8]string // on the stack: most calls change nothing
	isr := buf[:0]
	for p, id := range env.Nodes() {
		in := id == r.id || env.Monotonic()-r.ackAt[p] <= CoreLagNs &&
			(slices.Contains(r.isr, id) || r.match[p] >= r.commit)
		if in {
			isr = append(isr, id)
		}
	}
	if !slices.Equal(isr, r.isr) {
		r.logf(env, "isr %s → %s", strings.Join(r.isr, " "), strings.Join(isr, " "))
		// A new array, never r.isr's written over: AppendEntries in
		// flight and the followers that took them share the old one.
		r.isr = slices.Clone(isr)
	}
}

// confirm finds the newest round a majority has answered: leadership is
// confirmed as of that round's sending, and the lease runs from then.
func (r *replica) confirm(env *sim.Env) {
	var buf [8]int64 // on the stack: this runs on every answer
	rs := append(buf[:0], r.round)
	for p, id := range env.Nodes() {
		if id != r.id {
			rs = append(rs, r.acked[p])
		}
	}
	slices.Sort(rs)
	c := rs[len(rs)-env.Majority()]
	if c <= r.confirmed {
		return
	}
	k := c - r.confirmed - 1 // sentAt[0] is round confirmed+1
	r.leaseUntil = max(r.leaseUntil, r.sentAt[k]+CoreLeaseNs)
	r.sentAt = r.sentAt[k+1:]
	r.confirmed = c
	r.serveReads(env)
}
