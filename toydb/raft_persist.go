package toydb

import (
	"slices"
	"strconv"

	"github.com/faultline-lab/faultline/sim"
)

// Disk layout: "term", "vote", "len" (the last log index) and one key per
// entry, "log/<index>". Entries past "len" are garbage from a truncation.
// Every change is synced before the node answers an RPC or a client, so a
// crash can lose only what nobody was told about.

func logKey(i int64) string { return "log/" + strconv.FormatInt(i, 10) }

// recover loads the persistent state after a (re)start.
func (n *raftNode) recover(env *sim.Env) {
	d := env.Disk()
	if v, ok := d.Get("term"); ok {
		n.term = v.(int64)
	}
	if v, ok := d.Get("vote"); ok && !n.bugs.forgetVote {
		n.votedFor = v.(string)
	}
	var last int64
	if v, ok := d.Get("len"); ok {
		last = v.(int64)
	}
	n.log = make([]raftEntry, 1, last+1)
	for i := int64(1); i <= last; i++ {
		v, ok := d.Get(logKey(i))
		if !ok {
			break // cannot happen: "len" and the entries are synced together
		}
		n.log = append(n.log, v.(raftEntry))
	}
}

// setTerm records a new term or vote. The switch forget-vote keeps the
// vote in memory only.
func (n *raftNode) setTerm(env *sim.Env, term int64, vote string) {
	if term == n.term && vote == n.votedFor {
		return
	}
	n.term, n.votedFor = term, vote
	env.Disk().Put("term", term)
	if !n.bugs.forgetVote {
		env.Disk().Put("vote", vote)
	}
}

// appendLog appends entries after index at (truncating anything beyond it)
// and writes them to disk.
func (n *raftNode) appendLog(env *sim.Env, at int64, entries []raftEntry) {
	n.truncate(env, at)
	for _, e := range entries {
		n.log = append(n.log, e)
		env.Disk().Put(logKey(n.lastIndex()), e)
	}
	env.Disk().Put("len", n.lastIndex())
}

// truncate drops every entry after index at. Pending writes there lose
// their place. In a correct Raft nothing committed is ever cut; the
// switches can cut it, and then the state machine keeps what it applied,
// as a real one would.
func (n *raftNode) truncate(env *sim.Env, at int64) {
	if at >= n.lastIndex() {
		return
	}
	for i := at + 1; i <= n.lastIndex() && !n.bugs.ackByIndex; i++ {
		if p, ok := n.pending[i]; ok {
			delete(n.pending, i)
			env.ReplyError(p.msg, "superseded", false, n.leader)
		}
	}
	if at < n.commitIndex {
		env.Logf("truncated committed entries %d–%d", at+1, n.commitIndex)
		n.commitIndex = at
	}
	n.lastApplied = min(n.lastApplied, at)
	// A fresh array: entries already sent share the old one (sendAppend).
	n.log = slices.Clone(n.log[:at+1])
	env.Disk().Put("len", at)
}

// sync makes every write so far durable: called before answering anyone.
func (n *raftNode) sync(env *sim.Env) {
	if env.Disk().Unsynced() > 0 {
		env.Disk().Sync()
	}
}
