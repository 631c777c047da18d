package toydb

import (
	"github.com/faultline-lab/faultline/sim"
)

// startRead begins a read-index read (Ongaro's thesis, §6.4): note the
// commit index — at least the first entry of this term, so that every
// entry an earlier leader committed is included; a no-op if the term has
// no entry yet —, start a heartbeat round, and answer once a majority has
// answered that round (proof that no newer leader existed when the read
// arrived) and the state machine has caught up.
func (n *raftNode) startRead(env *sim.Env, m sim.Message, key string) {
	if n.termStart == 0 {
		n.appendEntry(env, sim.Request{})
		n.advanceCommit(env)
	}
	n.round++
	n.reads = append(n.reads, raftRead{msg: m, key: key, round: n.round, index: max(n.commitIndex, n.termStart)})
	n.broadcast(env)
	n.serveReads(env)
}

// serveReads answers every waiting read whose round a majority confirmed
// and whose read index has been applied.
func (n *raftNode) serveReads(env *sim.Env) {
	if n.role != roleLeader || len(n.reads) == 0 {
		return
	}
	waiting := n.reads[:0]
	for _, r := range n.reads {
		if n.confirmed(env, r.round) && n.lastApplied >= r.index {
			env.ReplyOK(r.msg, n.kv[r.key])
			continue
		}
		waiting = append(waiting, r)
	}
	n.reads = waiting
}

func (n *raftNode) confirmed(env *sim.Env, round int64) bool {
	count := 1
	for _, p := range env.Peers() {
		if n.acked[p] >= round {
			count++
		}
	}
	return count >= n.majority(env)
}
