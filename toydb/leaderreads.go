package toydb

import (
	"fmt"
	"maps"
	"slices"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// LeaderReads is lesson 10's database: a small Raft-like register. Nodes
// elect a leader by majority vote in numbered terms, the leader appends each
// write to a log and acknowledges it once a majority holds it. Writes are
// safe in every variant; the variants differ in how the leader serves reads.
var LeaderReads = Design{
	Name: "raft-like-leader",
	Variants: []Variant{
		{Name: "local", Summary: "the leader answers reads from its own state at once, without checking that it still leads"},
		{Name: "lease", Summary: "the leader answers reads locally while its lease lasts, timed by its wall clock; otherwise as fixed"},
		{Name: "fixed", Summary: "read index: the leader answers a read only after a majority confirms, after the read arrived, that it still leads"},
	},
	New: func(variant string) sim.NodeFactory {
		return func(id string) sim.Node { return &lrNode{id: id, reads: variant} }
	},
}

// Timing of the Raft-like design. Timers run on virtual time (a monotonic
// clock); only the lease variant reads the wall clock, Env.Now.
const (
	LeaderHeartbeatNs   = 100_000_000
	LeaderElectionMinNs = 500_000_000 // election timeouts are drawn from [min, 2·min)
	// LeaderFreshNs is how long a follower trusts the leader it last heard
	// from enough to pass it clients' requests; after that it answers
	// no-leader rather than forward into silence.
	LeaderFreshNs = 150_000_000
	// LeaderLeaseNs is shorter than the minimum election timeout: by the
	// time any follower may vote for someone else, the lease has run out —
	// if the leader measures it with a clock that does not jump.
	LeaderLeaseNs = 300_000_000
)

type lrEntry struct {
	Term  int64
	Value any
	Req   int64 // the client's request id: a duplicated request is applied once
	Noop  bool  // a new leader's first entry, which commits earlier terms' entries
}

type lrVote struct {
	Term      int64
	LastIndex int
	LastTerm  int64
}

func (lrVote) Type() string { return "request-vote" }
func (v lrVote) String() string {
	return fmt.Sprintf("request-vote term %d (log %d@%d)", v.Term, v.LastIndex, v.LastTerm)
}

type lrVoteReply struct {
	Term    int64
	Granted bool
}

func (lrVoteReply) Type() string { return "vote" }
func (v lrVoteReply) String() string {
	if v.Granted {
		return fmt.Sprintf("vote granted term %d", v.Term)
	}
	return fmt.Sprintf("vote refused term %d", v.Term)
}

type lrAppend struct {
	Term     int64
	Round    int64 // the leader's broadcast number: an ack confirms leadership as of its sending
	Prev     int
	PrevTerm int64
	Entries  []lrEntry
	Commit   int
}

func (lrAppend) Type() string { return "append" }
func (a lrAppend) String() string {
	return fmt.Sprintf("append term %d round %d after %d: %d entries, commit %d", a.Term, a.Round, a.Prev, len(a.Entries), a.Commit)
}

type lrAppendReply struct {
	Term    int64
	Round   int64
	Success bool
	Match   int // success: the follower's log matches up to here; failure: retry after here
}

func (lrAppendReply) Type() string { return "append-ack" }
func (a lrAppendReply) String() string {
	if a.Success {
		return fmt.Sprintf("append-ack term %d round %d match %d", a.Term, a.Round, a.Match)
	}
	return fmt.Sprintf("append-nack term %d round %d retry after %d", a.Term, a.Round, a.Match)
}

// lrRead is a read waiting for a round of confirmations (read index).
type lrRead struct {
	msg   sim.Message
	round int64 // a majority must ack this round or a later one
	index int   // and the state must include this log index
}

type lrTimer struct {
	Kind string
	Gen  int64
}

func (t lrTimer) String() string { return t.Kind }

type lrNode struct {
	id    string
	reads string   // local, lease or fixed
	env   *sim.Env // kept only so Status can show the lease left

	// persistent (synced before answering a vote or an append)
	term     int64
	votedFor string
	log      []lrEntry

	// volatile
	role      sim.Role // follower, candidate, leader
	leader    string
	commit    int
	applied   int
	value     any
	done      map[int64]bool  // request ids applied
	votes     map[string]bool // who voted for this candidate (a duplicated vote counts once)
	election  sim.TimerID
	sticky    bool // heard from a leader within the minimum election timeout
	fresh     bool // heard from it within LeaderFreshNs
	stickyGen int64

	// leader only
	next       map[string]int
	match      map[string]int
	acked      map[string]int64 // highest round each peer acked this term
	round      int64
	sentAt     []int64 // wall-clock time each round was sent (lease variant)
	confirmed  int64   // highest round a majority acked
	termStart  int     // index of this term's no-op
	leaseUntil int64   // wall clock
	writes     map[int]sim.Message
	readQ      []lrRead
}

func (n *lrNode) Start(env *sim.Env) {
	n.env = env
	d := env.Disk()
	if v, ok := d.Get("term"); ok {
		n.term = v.(int64)
	}
	if v, ok := d.Get("vote"); ok {
		n.votedFor = v.(string)
	}
	if v, ok := d.Get("log"); ok {
		n.log = slices.Clone(v.([]lrEntry))
	}
	n.role, n.done = "follower", map[int64]bool{}
	// A restarted node cannot know whether it heard from a leader just
	// before it crashed, so it waits out an election timeout before voting.
	n.hearLeader(env)
	n.resetElection(env)
}

func (n *lrNode) majority(env *sim.Env) int { return len(env.Nodes())/2 + 1 }

func (n *lrNode) lastTerm() int64 {
	if len(n.log) == 0 {
		return 0
	}
	return n.log[len(n.log)-1].Term
}

func (n *lrNode) termAt(i int) int64 {
	if i <= 0 || i > len(n.log) {
		return 0
	}
	return n.log[i-1].Term
}

func (n *lrNode) persist(env *sim.Env) {
	d := env.Disk()
	d.Put("term", n.term)
	d.Put("vote", n.votedFor)
	d.Put("log", slices.Clone(n.log))
	d.Sync()
}

func (n *lrNode) resetElection(env *sim.Env) {
	env.CancelTimer(n.election)
	d := LeaderElectionMinNs + env.Rand().Int64N(LeaderElectionMinNs)
	n.election = env.SetTimer(d, lrTimer{Kind: "election"})
}

// hearLeader notes that a leader was heard: for the minimum election
// timeout this node refuses to help elect anyone else (Raft's thesis,
// §4.2.3). Leases rely on it.
func (n *lrNode) hearLeader(env *sim.Env) {
	n.sticky, n.fresh = true, true
	n.stickyGen++
	env.SetTimer(LeaderElectionMinNs, lrTimer{Kind: "sticky", Gen: n.stickyGen})
	env.SetTimer(LeaderFreshNs, lrTimer{Kind: "fresh", Gen: n.stickyGen})
}

func (n *lrNode) Timer(env *sim.Env, tag any) {
	t, ok := tag.(lrTimer)
	if !ok {
		return
	}
	switch t.Kind {
	case "election":
		if n.role != "leader" {
			n.campaign(env)
		}
	case "heartbeat":
		if n.role == "leader" && t.Gen == n.term {
			n.broadcast(env)
			env.SetTimer(LeaderHeartbeatNs, t)
		}
	case "sticky":
		if t.Gen == n.stickyGen {
			n.sticky = false
		}
	case "fresh":
		if t.Gen == n.stickyGen {
			n.fresh = false
		}
	}
}

func (n *lrNode) campaign(env *sim.Env) {
	n.term++
	n.votedFor = n.id
	n.role, n.leader, n.votes = "candidate", "", map[string]bool{n.id: true}
	n.persist(env)
	n.resetElection(env)
	env.Logf("campaigns in term %d", n.term)
	if len(n.votes) >= n.majority(env) {
		n.becomeLeader(env)
		return
	}
	for _, p := range env.Peers() {
		env.Send(p, lrVote{Term: n.term, LastIndex: len(n.log), LastTerm: n.lastTerm()})
	}
}

// stepDown adopts a newer term (or yields to its leader) as a follower.
func (n *lrNode) stepDown(env *sim.Env, term int64) {
	if term > n.term {
		n.term, n.votedFor = term, ""
	}
	if n.role == "leader" {
		n.abandonClients(env)
		n.resetElection(env) // a leader's election timer is not running
	}
	n.role = "follower"
}

// abandonClients answers what a deposed leader still owes: its writes may
// yet commit under the next leader (indefinite); its reads did nothing.
func (n *lrNode) abandonClients(env *sim.Env) {
	for _, i := range slices.Sorted(maps.Keys(n.writes)) {
		env.ReplyError(n.writes[i], "not-leader", false, "")
	}
	for _, r := range n.readQ {
		env.ReplyError(r.msg, "not-leader", true, "")
	}
	n.writes, n.readQ = nil, nil
}

func (n *lrNode) becomeLeader(env *sim.Env) {
	n.role, n.leader = "leader", n.id
	env.CancelTimer(n.election)
	n.next, n.match, n.acked = map[string]int{}, map[string]int{}, map[string]int64{}
	for _, p := range env.Peers() {
		n.next[p] = len(n.log) + 1
	}
	n.writes = map[int]sim.Message{}
	n.readQ = nil
	n.round, n.confirmed, n.sentAt, n.leaseUntil = 0, 0, []int64{0}, 0
	n.log = append(n.log, lrEntry{Term: n.term, Noop: true})
	n.termStart = len(n.log)
	n.persist(env)
	env.Logf("leads term %d", n.term)
	n.advanceCommit(env)
	n.broadcast(env)
	env.SetTimer(LeaderHeartbeatNs, lrTimer{Kind: "heartbeat", Gen: n.term})
}

// broadcast sends every follower what it lacks, as a new round.
func (n *lrNode) broadcast(env *sim.Env) {
	n.round++
	n.sentAt = append(n.sentAt, env.Now())
	for _, p := range env.Peers() {
		prev := n.next[p] - 1
		env.Send(p, lrAppend{Term: n.term, Round: n.round, Prev: prev, PrevTerm: n.termAt(prev),
			Entries: slices.Clone(n.log[prev:]), Commit: n.commit})
	}
}

func (n *lrNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case lrVote:
		n.onVoteReq(env, m, b)
		return
	case lrVoteReply:
		n.onVoteResp(env, m.Src, b)
		return
	case lrAppend:
		n.onAppend(env, m, b)
		return
	case lrAppendReply:
		n.onAppendResp(env, m.Src, b)
		return
	}
	orig, req, ok := Request(m)
	if !ok {
		return
	}
	if n.role != "leader" {
		if n.leader == "" || n.leader == n.id || !n.fresh {
			env.ReplyError(orig, "no-leader", true, "")
			return
		}
		Forward(env, n.leader, orig, req)
		return
	}
	switch req.F {
	case "write":
		n.log = append(n.log, lrEntry{Term: n.term, Value: req.Value, Req: req.ReqID})
		n.persist(env)
		n.writes[len(n.log)] = orig
		n.advanceCommit(env)
		n.broadcast(env)
	case "read":
		n.read(env, orig)
	default:
		env.ReplyError(orig, "unsupported", true, n.id)
	}
}

// read is where the variants differ.
func (n *lrNode) read(env *sim.Env, m sim.Message) {
	switch {
	case n.reads == "local":
		// The bug: this node believes it leads, so its state must be current.
		env.ReplyOK(m, n.value)
		return
	case n.reads == "lease" && n.applied >= n.termStart && env.Now() < n.leaseUntil:
		// Sound only if the wall clock did not jump since the lease began.
		env.Logf("read served on its lease: %s left by its clock", sim.FormatDuration(n.leaseUntil-env.Now()))
		env.ReplyOK(m, n.value)
		return
	}
	n.readQ = append(n.readQ, lrRead{msg: m, round: n.round + 1, index: max(n.commit, n.termStart)})
	n.broadcast(env)
	n.confirm(env) // a cluster of one confirms itself
}

func (n *lrNode) onVoteReq(env *sim.Env, m sim.Message, v lrVote) {
	if v.Term > n.term && n.sticky && n.role != "leader" {
		return // a leader was heard recently: ignore the disruption
	}
	changed := v.Term > n.term
	if changed {
		n.stepDown(env, v.Term)
	}
	upToDate := v.LastTerm > n.lastTerm() || (v.LastTerm == n.lastTerm() && v.LastIndex >= len(n.log))
	grant := v.Term == n.term && (n.votedFor == "" || n.votedFor == m.Src) && upToDate
	if grant {
		n.votedFor = m.Src
		n.resetElection(env)
		changed = true
	}
	if changed {
		n.persist(env)
	}
	env.Reply(m, lrVoteReply{Term: n.term, Granted: grant})
}

func (n *lrNode) onVoteResp(env *sim.Env, from string, v lrVoteReply) {
	if v.Term > n.term {
		n.stepDown(env, v.Term)
		n.persist(env)
		return
	}
	if n.role != "candidate" || v.Term != n.term || !v.Granted {
		return
	}
	n.votes[from] = true
	if len(n.votes) == n.majority(env) {
		n.becomeLeader(env)
	}
}

func (n *lrNode) onAppend(env *sim.Env, m sim.Message, a lrAppend) {
	if a.Term < n.term {
		env.Reply(m, lrAppendReply{Term: n.term, Round: a.Round})
		return
	}
	changed := a.Term > n.term
	if changed || n.role != "follower" {
		n.stepDown(env, a.Term)
	}
	n.leader = m.Src
	n.hearLeader(env)
	n.resetElection(env)
	if a.Prev > len(n.log) || n.termAt(a.Prev) != a.PrevTerm {
		if changed {
			n.persist(env)
		}
		env.Reply(m, lrAppendReply{Term: n.term, Round: a.Round, Match: min(len(n.log), a.Prev-1)})
		return
	}
	for k, e := range a.Entries {
		i := a.Prev + 1 + k
		if i <= len(n.log) && n.log[i-1].Term != e.Term {
			env.Logf("drops %d uncommitted entries from a deposed leader", len(n.log)-i+1)
			n.log = n.log[:i-1]
		}
		if i > len(n.log) {
			n.log = append(n.log, e)
			changed = true
		}
	}
	if changed {
		n.persist(env)
	}
	last := a.Prev + len(a.Entries)
	if c := min(a.Commit, last); c > n.commit {
		n.commit = c
		n.apply()
	}
	env.Reply(m, lrAppendReply{Term: n.term, Round: a.Round, Success: true, Match: last})
}

func (n *lrNode) onAppendResp(env *sim.Env, from string, r lrAppendReply) {
	if r.Term > n.term {
		n.stepDown(env, r.Term)
		n.persist(env)
		return
	}
	if n.role != "leader" || r.Term != n.term {
		return
	}
	if r.Round > n.acked[from] {
		n.acked[from] = r.Round
	}
	if r.Success {
		n.match[from] = max(n.match[from], r.Match)
		n.next[from] = n.match[from] + 1
	} else {
		n.next[from] = max(1, r.Match+1)
	}
	n.advanceCommit(env)
	n.confirm(env)
}

// advanceCommit commits the highest index a majority holds, if it is of
// this term (Raft's rule: earlier terms' entries commit with it).
func (n *lrNode) advanceCommit(env *sim.Env) {
	ms := []int{len(n.log)}
	for _, p := range env.Peers() {
		ms = append(ms, n.match[p])
	}
	slices.Sort(ms)
	c := ms[len(ms)-n.majority(env)]
	if c > n.commit && n.termAt(c) == n.term {
		n.commit = c
		n.apply()
		n.replyWrites(env)
		n.serveReads(env)
	}
}

// confirm finds the newest round a majority has acked: leadership is
// confirmed as of that round's sending.
func (n *lrNode) confirm(env *sim.Env) {
	rs := []int64{n.round}
	for _, p := range env.Peers() {
		rs = append(rs, n.acked[p])
	}
	slices.Sort(rs)
	c := rs[len(rs)-n.majority(env)]
	if c <= n.confirmed {
		return
	}
	n.confirmed = c
	n.leaseUntil = max(n.leaseUntil, n.sentAt[c]+LeaderLeaseNs)
	n.serveReads(env)
}

func (n *lrNode) serveReads(env *sim.Env) {
	if n.role != "leader" {
		return
	}
	rest := n.readQ[:0]
	for _, r := range n.readQ {
		if r.round <= n.confirmed && n.applied >= r.index {
			env.ReplyOK(r.msg, n.value)
		} else {
			rest = append(rest, r)
		}
	}
	n.readQ = rest
}

// apply applies committed entries and answers the writes among them.
func (n *lrNode) apply() {
	for n.applied < n.commit {
		n.applied++
		e := n.log[n.applied-1]
		if e.Noop || n.done[e.Req] {
			continue // a duplicate of a request already applied: the network copied it
		}
		n.done[e.Req] = true
		n.value = e.Value
	}
}

func (n *lrNode) replyWrites(env *sim.Env) {
	for _, i := range slices.Sorted(maps.Keys(n.writes)) {
		if i <= n.applied {
			env.ReplyOK(n.writes[i], n.log[i-1].Value)
			delete(n.writes, i)
		}
	}
}

func (n *lrNode) Status() sim.Status {
	detail := fmt.Sprintf("commit %d/%d", n.commit, len(n.log))
	if n.reads == "lease" && n.role == "leader" && n.env != nil {
		if left := n.leaseUntil - n.env.Now(); left > 0 {
			detail += ", lease " + sim.FormatDuration(left)
		} else {
			detail += ", no lease"
		}
	}
	return sim.Status{Role: n.role, Term: n.term, Leader: n.leader, Value: history.Format(n.value), Detail: detail}
}
