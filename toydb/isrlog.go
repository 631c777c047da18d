package toydb

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// ISRLog is lesson 12's database: a replicated log holding a queue, after
// Kafka. A leader, chosen by vote in numbered epochs, appends every
// operation (enqueue, dequeue, drain) to its log and ships it to the
// followers. It keeps an in-sync replica set (ISR): the followers that
// acknowledged recently. An operation is acknowledged once every ISR
// member holds it; a follower that falls behind is dropped from the ISR.
//
// The default variant lets the ISR shrink to the leader alone (Kafka's
// min.insync.replicas = 1) and lets any replica be elected, however far
// behind (unclean leader election). The fix requires a majority in the ISR
// before acknowledging and elects only a replica whose log is complete.
var ISRLog = Design{
	Name: "kafka-like-log",
	Variants: []Variant{
		{Name: "unclean", Summary: "the in-sync set may shrink to the leader alone, which then acknowledges by itself; any replica may be elected"},
		{Name: "fixed", Summary: "acknowledge only with a majority in sync; a replica votes only for a candidate whose log is at least as complete as its own"},
	},
	New: func(variant string) sim.NodeFactory {
		return func(id string) sim.Node { return &klNode{id: id, clean: variant == "fixed"} }
	},
}

// Timing of the Kafka-like log, on virtual time.
const (
	ISRHeartbeatNs   = 100_000_000
	ISRLagNs         = 200_000_000 // a follower silent this long leaves the ISR (replica.lag.time.max.ms)
	ISRElectionMinNs = 500_000_000 // election timeouts are drawn from [min, 2·min)
	// ISRFreshNs is how long a follower trusts the leader it last heard
	// from enough to pass it clients' requests; after that it answers
	// no-leader rather than forward into silence.
	ISRFreshNs = 150_000_000
)

type klEntry struct {
	Epoch int64
	Op    string // enqueue, dequeue, drain or noop
	Value any
	Req   int64 // the client's request id: a duplicated request is applied once
}

type klVote struct {
	Epoch     int64
	LastIndex int
	LastEpoch int64
}

func (klVote) Type() string { return "request-vote" }
func (v klVote) String() string {
	return fmt.Sprintf("request-vote epoch %d (log %d@%d)", v.Epoch, v.LastIndex, v.LastEpoch)
}

type klVoteReply struct {
	Epoch   int64
	Granted bool
}

func (klVoteReply) Type() string { return "vote" }
func (v klVoteReply) String() string {
	if v.Granted {
		return fmt.Sprintf("vote granted epoch %d", v.Epoch)
	}
	return fmt.Sprintf("vote refused epoch %d", v.Epoch)
}

type klAppend struct {
	Epoch     int64
	Prev      int
	PrevEpoch int64
	Entries   []klEntry
	HW        int // the high watermark: entries up to here are acknowledged
	ISR       []string
}

func (klAppend) Type() string { return "append" }
func (a klAppend) String() string {
	return fmt.Sprintf("append epoch %d after %d: %d entries, hw %d, isr %s", a.Epoch, a.Prev, len(a.Entries), a.HW, strings.Join(a.ISR, " "))
}

type klAppendReply struct {
	Epoch   int64
	Success bool
	Match   int // success: the log matches up to here; failure: retry after here
}

func (klAppendReply) Type() string { return "append-ack" }
func (a klAppendReply) String() string {
	if a.Success {
		return fmt.Sprintf("append-ack epoch %d match %d", a.Epoch, a.Match)
	}
	return fmt.Sprintf("append-nack epoch %d retry after %d", a.Epoch, a.Match)
}

type klTimer struct {
	Kind string
	Gen  int64
}

func (t klTimer) String() string { return t.Kind }

type klNode struct {
	id    string
	clean bool

	// persistent (synced before answering)
	epoch    int64
	votedFor string
	log      []klEntry

	// volatile
	role     sim.Role
	leader   string
	hw       int
	applied  int
	queue    []any
	done     map[int64]bool  // request ids applied
	votes    map[string]bool // who voted for this candidate (a duplicated vote counts once)
	election sim.TimerID
	isr      []string // as the leader last announced it
	fresh    bool     // heard from the leader within ISRFreshNs
	freshGen int64

	// leader only
	tick    int64
	next    map[string]int
	match   map[string]int
	heardAt map[string]int64 // tick of each follower's last successful ack
	waiting map[int]sim.Message
}

func (n *klNode) Start(env *sim.Env) {
	d := env.Disk()
	if v, ok := d.Get("epoch"); ok {
		n.epoch = v.(int64)
	}
	if v, ok := d.Get("vote"); ok {
		n.votedFor = v.(string)
	}
	if v, ok := d.Get("log"); ok {
		n.log = slices.Clone(v.([]klEntry))
	}
	n.role, n.done = "follower", map[int64]bool{}
	n.resetElection(env)
}

// minISR is how many replicas, the leader included, must be in sync before
// the leader acknowledges anything.
func (n *klNode) minISR(env *sim.Env) int {
	if n.clean {
		return len(env.Nodes())/2 + 1
	}
	return 1
}

func (n *klNode) lastEpoch() int64 { return n.epochAt(len(n.log)) }

func (n *klNode) epochAt(i int) int64 {
	if i <= 0 || i > len(n.log) {
		return 0
	}
	return n.log[i-1].Epoch
}

func (n *klNode) persist(env *sim.Env) {
	d := env.Disk()
	d.Put("epoch", n.epoch)
	d.Put("vote", n.votedFor)
	d.Put("log", slices.Clone(n.log))
	d.Sync()
}

func (n *klNode) resetElection(env *sim.Env) {
	env.CancelTimer(n.election)
	n.election = env.SetTimer(ISRElectionMinNs+env.Rand().Int64N(ISRElectionMinNs), klTimer{Kind: "election"})
}

func (n *klNode) Timer(env *sim.Env, tag any) {
	t, ok := tag.(klTimer)
	if !ok {
		return
	}
	switch t.Kind {
	case "election":
		if n.role != "leader" {
			n.campaign(env)
		}
	case "fresh":
		if t.Gen == n.freshGen {
			n.fresh = false
		}
	case "heartbeat":
		if n.role == "leader" && t.Gen == n.epoch {
			n.tick++
			n.updateISR(env)
			n.advanceHW(env)
			n.broadcast(env)
			env.SetTimer(ISRHeartbeatNs, t)
		}
	}
}

func (n *klNode) campaign(env *sim.Env) {
	n.epoch++
	n.votedFor = n.id
	n.role, n.leader, n.votes = "candidate", "", map[string]bool{n.id: true}
	n.persist(env)
	n.resetElection(env)
	if len(n.votes) >= len(env.Nodes())/2+1 {
		n.becomeLeader(env)
		return
	}
	for _, p := range env.Peers() {
		env.Send(p, klVote{Epoch: n.epoch, LastIndex: len(n.log), LastEpoch: n.lastEpoch()})
	}
}

func (n *klNode) stepDown(env *sim.Env, epoch int64) {
	if epoch > n.epoch {
		n.epoch, n.votedFor = epoch, ""
	}
	if n.role == "leader" {
		// What it still owes may yet be kept or lost: indefinite.
		for _, i := range slices.Sorted(maps.Keys(n.waiting)) {
			env.ReplyError(n.waiting[i], "not-leader", false, "")
		}
		n.waiting = nil
		n.resetElection(env)
	}
	n.role = "follower"
}

func (n *klNode) becomeLeader(env *sim.Env) {
	n.role, n.leader = "leader", n.id
	env.CancelTimer(n.election)
	n.next, n.match, n.heardAt = map[string]int{}, map[string]int{}, map[string]int64{}
	n.tick = 0
	for _, p := range env.Peers() {
		n.next[p] = len(n.log) + 1
		n.heardAt[p] = 0 // in sync until proven otherwise, as on a fresh start
	}
	n.isr = slices.Clone(env.Nodes())
	n.waiting = map[int]sim.Message{}
	n.log = append(n.log, klEntry{Epoch: n.epoch, Op: "noop"})
	n.persist(env)
	env.Logf("leads epoch %d", n.epoch)
	n.advanceHW(env)
	n.broadcast(env)
	env.SetTimer(ISRHeartbeatNs, klTimer{Kind: "heartbeat", Gen: n.epoch})
}

// updateISR drops followers that have been silent too long and takes back
// those that answer again and hold everything acknowledged.
func (n *klNode) updateISR(env *sim.Env) {
	lagTicks := int64(ISRLagNs / ISRHeartbeatNs)
	isr := []string{}
	for _, id := range env.Nodes() {
		in := id == n.id ||
			(n.tick-n.heardAt[id] <= lagTicks && (slices.Contains(n.isr, id) || n.match[id] >= n.hw))
		if in {
			isr = append(isr, id)
		}
	}
	if !slices.Equal(isr, n.isr) {
		env.Logf("isr %s → %s", strings.Join(n.isr, " "), strings.Join(isr, " "))
	}
	n.isr = isr
}

func (n *klNode) broadcast(env *sim.Env) {
	for _, p := range env.Peers() {
		prev := n.next[p] - 1
		env.Send(p, klAppend{Epoch: n.epoch, Prev: prev, PrevEpoch: n.epochAt(prev),
			Entries: slices.Clone(n.log[prev:]), HW: n.hw, ISR: slices.Clone(n.isr)})
	}
}

func (n *klNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case klVote:
		n.onVote(env, m, b)
		return
	case klVoteReply:
		n.onVoteReply(env, m.Src, b)
		return
	case klAppend:
		n.onAppend(env, m, b)
		return
	case klAppendReply:
		n.onAppendReply(env, m.Src, b)
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
	case "enqueue", "dequeue", "drain":
		if len(n.isr) < n.minISR(env) {
			// Kafka's NotEnoughReplicas: refused before it is appended.
			env.ReplyError(orig, "not-enough-replicas", true, n.id)
			return
		}
		n.log = append(n.log, klEntry{Epoch: n.epoch, Op: req.F, Value: req.Value, Req: req.ReqID})
		n.persist(env)
		n.waiting[len(n.log)] = orig
		n.advanceHW(env)
		n.broadcast(env)
	default:
		env.ReplyError(orig, "unsupported", true, n.id)
	}
}

func (n *klNode) onVote(env *sim.Env, m sim.Message, v klVote) {
	changed := v.Epoch > n.epoch
	if changed {
		n.stepDown(env, v.Epoch)
	}
	complete := v.LastEpoch > n.lastEpoch() || (v.LastEpoch == n.lastEpoch() && v.LastIndex >= len(n.log))
	// The unclean variant asks nothing of the candidate's log.
	grant := v.Epoch == n.epoch && (n.votedFor == "" || n.votedFor == m.Src) && (complete || !n.clean)
	if grant {
		n.votedFor = m.Src
		n.resetElection(env)
		changed = true
	}
	if changed {
		n.persist(env)
	}
	env.Reply(m, klVoteReply{Epoch: n.epoch, Granted: grant})
}

func (n *klNode) onVoteReply(env *sim.Env, from string, v klVoteReply) {
	if v.Epoch > n.epoch {
		n.stepDown(env, v.Epoch)
		n.persist(env)
		return
	}
	if n.role != "candidate" || v.Epoch != n.epoch || !v.Granted {
		return
	}
	n.votes[from] = true
	if len(n.votes) == len(env.Nodes())/2+1 {
		n.becomeLeader(env)
	}
}

func (n *klNode) onAppend(env *sim.Env, m sim.Message, a klAppend) {
	if a.Epoch < n.epoch {
		env.Reply(m, klAppendReply{Epoch: n.epoch})
		return
	}
	changed := a.Epoch > n.epoch
	if changed || n.role != "follower" {
		n.stepDown(env, a.Epoch)
	}
	n.leader, n.isr, n.fresh = m.Src, a.ISR, true
	n.freshGen++
	env.SetTimer(ISRFreshNs, klTimer{Kind: "fresh", Gen: n.freshGen})
	n.resetElection(env)
	if a.Prev > len(n.log) || n.epochAt(a.Prev) != a.PrevEpoch {
		if changed {
			n.persist(env)
		}
		env.Reply(m, klAppendReply{Epoch: n.epoch, Match: min(len(n.log), a.Prev-1)})
		return
	}
	for k, e := range a.Entries {
		i := a.Prev + 1 + k
		if i <= len(n.log) && n.log[i-1].Epoch != e.Epoch {
			// The leader's log wins: whatever this node held beyond is gone,
			// acknowledged or not.
			if n.hw > i-1 {
				env.Logf("truncates its log from %d to %d: %d entries it had acknowledged are gone", len(n.log), i-1, n.hw-(i-1))
			} else {
				env.Logf("truncates its log from %d to %d, all unacknowledged", len(n.log), i-1)
			}
			n.truncate(i - 1)
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
	n.hw = max(n.hw, min(a.HW, last))
	n.apply(env)
	env.Reply(m, klAppendReply{Epoch: n.epoch, Success: true, Match: last})
}

// truncate cuts the log back to length i. Applied state beyond it is
// rebuilt from the log (a deposed leader may have applied entries that the
// new leader never had).
func (n *klNode) truncate(i int) {
	n.log = n.log[:i]
	if n.applied > i {
		n.applied, n.queue = 0, nil
		n.hw = min(n.hw, i)
	}
}

func (n *klNode) onAppendReply(env *sim.Env, from string, r klAppendReply) {
	if r.Epoch > n.epoch {
		n.stepDown(env, r.Epoch)
		n.persist(env)
		return
	}
	if n.role != "leader" || r.Epoch != n.epoch {
		return
	}
	if !r.Success {
		n.next[from] = max(1, r.Match+1)
		return
	}
	n.heardAt[from] = n.tick
	n.match[from] = max(n.match[from], r.Match)
	n.next[from] = n.match[from] + 1
	n.updateISR(env)
	n.advanceHW(env)
}

// advanceHW acknowledges what every ISR member holds, provided the ISR is
// big enough, and the newest such entry is of this epoch.
func (n *klNode) advanceHW(env *sim.Env) {
	if len(n.isr) < n.minISR(env) {
		return
	}
	hw := len(n.log)
	for _, id := range n.isr {
		if id != n.id {
			hw = min(hw, n.match[id])
		}
	}
	if hw > n.hw && n.epochAt(hw) == n.epoch {
		n.hw = hw
		n.apply(env)
	}
}

// apply runs acknowledged entries against the queue; the leader answers the
// clients waiting on them.
func (n *klNode) apply(env *sim.Env) {
	if n.applied > n.hw {
		n.applied, n.queue = 0, nil
	}
	if n.applied == 0 {
		n.done = map[int64]bool{}
	}
	for n.applied < n.hw {
		n.applied++
		e := n.log[n.applied-1]
		m, waiting := n.waiting[n.applied]
		delete(n.waiting, n.applied)
		waiting = waiting && n.role == "leader"
		if e.Op != "noop" && n.done[e.Req] {
			// The network duplicated a request that was already applied:
			// apply it once. An enqueue can still say ok; a dequeue's or a
			// drain's answer went to the first copy.
			if waiting && e.Op == "enqueue" {
				env.ReplyOK(m, nil)
			}
			continue
		}
		n.done[e.Req] = true
		reply, ok := n.applyOne(e)
		switch {
		case !waiting:
		case ok:
			env.ReplyOK(m, reply)
		default:
			env.ReplyError(m, "empty", true, n.id)
		}
	}
}

// applyOne runs one entry against the queue; ok is false for a dequeue
// from an empty queue.
func (n *klNode) applyOne(e klEntry) (reply any, ok bool) {
	switch e.Op {
	case "enqueue":
		n.queue = append(n.queue, e.Value)
	case "dequeue":
		if len(n.queue) == 0 {
			return nil, false
		}
		reply, n.queue = n.queue[0], n.queue[1:]
	case "drain":
		reply, n.queue = append([]any{}, n.queue...), nil
	}
	return reply, true
}

func (n *klNode) Status() sim.Status {
	return sim.Status{Role: n.role, Term: n.epoch, Leader: n.leader,
		Value:  fmt.Sprintf("%d queued", len(n.queue)),
		Detail: fmt.Sprintf("hw %d/%d, isr %s", n.hw, len(n.log), strings.Join(n.isr, " "))}
}
