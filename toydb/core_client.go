package toydb

import (
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// onClient serves a client's request, directly or forwarded by a peer.
func (r *replica) onClient(env *sim.Env, m sim.Message, req sim.ClientRequest, forwarded bool) {
	switch {
	case req.F == "read" && (r.p.Read == ReadAnyNode || r.p.Read == ReadLeaderLocal && r.isLeader()):
		env.ReplyOK(m, r.read(req.Request))
	case req.F == "read" && r.isLeader() && r.leased(env):
		// Sound only if the wall clock did not jump since the lease began.
		r.logf(env, "read served on its lease: %s left by its clock", sim.FormatDuration(r.leaseUntil-env.Now()))
		env.ReplyOK(m, r.read(req.Request))
	case !r.isLeader():
		r.notLeader(env, m, req, forwarded)
	case r.p.Commit == CommitInSync && req.F != "read" && len(r.isr) < r.minInSync(env):
		// Kafka's NotEnoughReplicas: refused before it is appended.
		r.refuse(env, m, req, history.ErrorNotEnoughReplicas, forwarded)
	case r.p.Commit == CommitMajority && !r.hearsMajority(env, CoreElectionMinNs):
		// Cut off from a majority: nothing it appends could commit for now,
		// so it says so rather than leave the client to time out.
		r.refuse(env, m, req, history.ErrorUnavailable, forwarded)
	case req.F == "read":
		r.startRead(env, m, req.Request)
	case forwarded && req.ReqID <= r.refused[m.Src] && req.ReqID > r.appended[m.Src]:
		// A copy of a forward this node already refused definitely: it must
		// stay refused, or the first answer would be a lie.
		r.refuse(env, m, req, history.ErrorUnavailable, forwarded)
	default:
		r.propose(env, m, req)
	}
}

// refuse answers that a request was not carried out. The failure is
// definite unless the request may be a copy of one this node appended
// before (a forward the network duplicated, from before a truncation or
// a crash): then it may yet happen. A forward refused definitely stays
// refused: its later copies are refused too.
func (r *replica) refuse(env *sim.Env, m sim.Message, req sim.ClientRequest, code string, forwarded bool) {
	definite := req.F == "read" || !forwarded || req.ReqID > r.appended[m.Src]
	if definite && forwarded && req.F != "read" && req.ReqID > r.refused[m.Src] {
		// The network may deliver this forward again: remember, on disk,
		// that it was refused, so that no later copy is carried out.
		r.refused[m.Src] = req.ReqID
		env.Disk().Put("refused", r.refused)
	}
	env.ReplyError(m, code, definite, r.leader)
}

// hearsMajority reports whether a majority, this node included, has been
// heard from within window.
func (r *replica) hearsMajority(env *sim.Env, window int64) bool {
	n := 1
	for i, p := range env.Nodes() {
		if p != r.id && env.Monotonic()-r.heardAt[i] <= window {
			n++
		}
	}
	return n >= env.Majority()
}

// notLeader sends a request on to the leader, or tells the client where
// the leader is, or that none is known.
func (r *replica) notLeader(env *sim.Env, m sim.Message, req sim.ClientRequest, forwarded bool) {
	switch {
	case r.p.Redirect:
		if r.leader == "" && len(r.held) < coreMaxHeld {
			r.hold(env, m)
			return
		}
		r.refuse(env, m, req, history.ErrorNotLeader, forwarded)
	case !forwarded && r.leader != "" && r.leader != r.id && env.Monotonic()-r.leaderAt <= max(CoreFreshNs, 3*r.p.HeartbeatNs):
		Forward(env, r.leader, m, req)
	default:
		// No leader known, a leader gone quiet, or a second hop: say so
		// rather than send the request into the void or round in circles.
		r.refuse(env, m, req, history.ErrorNoLeader, forwarded)
	}
}

// hold keeps a client's request while an election is on, for up to an
// election timeout, and answers once it learns who won (release).
func (r *replica) hold(env *sim.Env, m sim.Message) {
	if len(r.held) == 0 {
		r.holdTimer = env.SetTimer(CoreElectionMaxNs, tickRelease)
	}
	r.held = append(r.held, m)
}

// release answers every held request: served here if this node now leads,
// redirected otherwise.
func (r *replica) release(env *sim.Env) {
	if len(r.held) == 0 {
		return
	}
	held := r.held
	r.held = nil
	env.CancelTimer(r.holdTimer)
	for _, m := range held {
		orig, req, _ := Request(m)
		if r.isLeader() {
			r.onClient(env, orig, req, false)
		} else {
			env.ReplyError(orig, history.ErrorNotLeader, true, r.leader)
		}
	}
}

// propose appends a client's operation to the leader's log; the client is
// answered once the entry is applied. With sessions, a copy of a request
// already applied is answered from its record at once.
func (r *replica) propose(env *sim.Env, m sim.Message, req sim.ClientRequest) {
	if s, ok := r.sessions[m.Src]; ok && r.p.Sessions && req.ReqID <= s.Seq {
		if req.ReqID == s.Seq {
			r.answer(env, m, s.Result, s.Code)
		}
		return // older: its client has moved on
	}
	if req.ReqID > r.appended[m.Src] {
		r.appended[m.Src] = req.ReqID
		env.Disk().Put("appended", r.appended)
	}
	r.appendLog(env, r.lastIndex(), []entry{{Term: r.term, Op: req.Request, Client: m.Src, Seq: req.ReqID}})
	r.pending[r.lastIndex()] = pendingWrite{term: r.term, msg: m}
	if !r.p.Lazy {
		r.broadcast(env)
	}
	r.advanceCommit(env)
}

// apply runs committed entries through the state machine and answers the
// clients whose entries this node appended.
func (r *replica) apply(env *sim.Env) {
	for r.applied < r.commit {
		r.applied++
		e := r.entryAt(r.applied)
		res, code, stale := r.applyEntry(e)
		p, ok := r.pending[r.applied]
		if !ok {
			continue
		}
		delete(r.pending, r.applied)
		switch {
		case p.term != e.Term && r.p.AckByIndex:
			env.ReplyOK(p.msg, nil) // as if the entry were the client's own
		case p.term != e.Term:
			// Another entry won this index; ours might still commit elsewhere.
			env.ReplyError(p.msg, history.ErrorSuperseded, false, r.leader)
		case !stale:
			r.answer(env, p.msg, res, code)
		}
	}
	r.serveReads(env)
	r.compact(env)
}

// applyEntry applies one entry; with sessions, a copy of a client's last
// request returns that request's result without applying it again, and
// an older one (stale) does nothing.
func (r *replica) applyEntry(e entry) (res any, code string, stale bool) {
	if e.Op.F == "" {
		return nil, "", true // a leader's no-op
	}
	if r.p.Sessions {
		if s, ok := r.sessions[e.Client]; ok && e.Seq <= s.Seq {
			return s.Result, s.Code, e.Seq < s.Seq
		}
	}
	res, code = r.m.Apply(e.Op)
	if r.p.Sessions {
		r.sessions[e.Client] = session{Seq: e.Seq, Result: res, Code: code}
	}
	return res, code, false
}

// answer replies with a result, or with the definite failure of an
// operation that applied as a no-op.
func (r *replica) answer(env *sim.Env, m sim.Message, res any, code string) {
	if code != "" {
		env.ReplyError(m, code, true, r.leader)
		return
	}
	env.ReplyOK(m, res)
}

// read answers a read from this node's state machine.
func (r *replica) read(op sim.Request) any {
	v, _ := r.m.Apply(op)
	return v
}

// leased reports whether a ReadLease leader may answer a read from its own
// state: its lease runs, by its wall clock, and it has applied an entry of
// its own term.
func (r *replica) leased(env *sim.Env) bool {
	return r.p.Read == ReadLease && r.applied >= r.termStart && env.Now() < r.leaseUntil
}

// startRead is the leader's side of ReadIndex (and of ReadLease once the
// lease has run out): note the read
// index — at least this term's no-op, so every entry an earlier leader
// committed is included — start a round, and answer once a majority has
// answered that round and the state machine has caught up.
func (r *replica) startRead(env *sim.Env, m sim.Message, op sim.Request) {
	r.reads = append(r.reads, pendingRead{msg: m, op: op, round: r.round + 1, index: max(r.commit, r.termStart), at: env.Monotonic()})
	r.broadcast(env)
	r.confirm(env) // a cluster of one confirms itself
}

// serveReads answers every waiting read whose round a majority confirmed
// and whose read index has been applied, and fails those that waited an
// election timeout in vain (a read changes nothing: the failure is definite).
func (r *replica) serveReads(env *sim.Env) {
	if !r.isLeader() || len(r.reads) == 0 {
		return
	}
	waiting := r.reads[:0]
	for _, rd := range r.reads {
		switch {
		case rd.round <= r.confirmed && r.applied >= rd.index:
			env.ReplyOK(rd.msg, r.read(rd.op))
		case env.Monotonic()-rd.at > CoreElectionMaxNs:
			env.ReplyError(rd.msg, history.ErrorUnavailable, true, r.leader)
		default:
			waiting = append(waiting, rd)
		}
	}
	r.reads = waiting
}
