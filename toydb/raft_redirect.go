package toydb

import (
	"github.com/faultline-lab/faultline/sim"
)

// raftMaxHeld bounds the client requests a node holds while leaderless.
const raftMaxHeld = 64

// redirect answers a client that reached a node other than the leader with
// a not-leader error naming the leader, so the client can go there. The
// error is definite: nothing was appended. While an election is on and no
// leader is known, the node holds the request for up to an election
// timeout, answering once it learns who won (or wins itself), rather than
// sending the client off to guess.
func (n *raftNode) redirect(env *sim.Env, m sim.Message) {
	if n.leader != "" || len(n.held) >= raftMaxHeld {
		env.ReplyError(m, "not-leader", true, n.leader)
		return
	}
	if len(n.held) == 0 {
		n.holdTimer = env.SetTimer(RaftElectionMaxNs, "release")
	}
	n.held = append(n.held, m)
}

// release answers every held request: served here if this node now leads,
// redirected otherwise.
func (n *raftNode) release(env *sim.Env) {
	held := n.held
	n.held = nil
	env.CancelTimer(n.holdTimer)
	for _, m := range held {
		orig, req, _ := Request(m)
		if n.role == roleLeader {
			n.onClient(env, orig, req)
		} else {
			env.ReplyError(orig, "not-leader", true, n.leader)
		}
	}
}
