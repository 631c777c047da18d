package toydb

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// This file and the other core_*.go files are the one replication core
// behind lessons 1, 2, 3, 4, 9, 10, 12 and 13: a log, terms and votes,
// replication with the AppendEntries check, commit, snapshots, client
// sessions, over a pluggable Machine. What tells the lessons apart is a
// Policy — a handful of switches, each a rule some real system chose or
// got wrong.

// ElectionRule says who leads.
type ElectionRule uint8

const (
	// ElectMajority is Raft's: a majority vote in a new term, given only to
	// a candidate whose log is at least as up to date (§5.4.1).
	ElectMajority ElectionRule = iota
	// ElectAnyLog is a majority vote that does not look at the log
	// (Kafka's unclean leader election).
	ElectAnyLog
	// ElectLowestID: the lowest id a node can hear leads, no votes (each
	// side of a partition has one).
	ElectLowestID
	// ElectFixed: the first node always leads (a fixed primary).
	ElectFixed
)

// CommitRule says when an entry counts as done.
type CommitRule uint8

const (
	// CommitMajority: a majority holds it and it is of the leader's term
	// (earlier entries commit along with it, §5.4.2).
	CommitMajority CommitRule = iota
	// CommitLeader: the leader's own log is enough; followers catch up
	// later (asynchronous replication).
	CommitLeader
	// CommitInSync: every member of the leader's in-sync set holds it,
	// and the set has at least MinInSync members (Kafka's ISR).
	CommitInSync
)

// ReadPath says who answers a read, and when.
type ReadPath uint8

const (
	// ReadIndex: the leader answers once a majority has answered a round
	// it began after the read arrived, and its state includes its commit
	// index as of the read's arrival (Raft thesis §6.4).
	ReadIndex ReadPath = iota
	// ReadLeaderLocal: the leader answers from its state at once.
	ReadLeaderLocal
	// ReadLease: the leader answers at once while its lease, timed by its
	// wall clock, lasts; otherwise as ReadIndex.
	ReadLease
	// ReadAnyNode: every node answers from its own state.
	ReadAnyNode
)

// Persistence says what reaches the disk, and when.
type Persistence uint8

const (
	// SyncAlways: term, vote and log are synced before any message or
	// reply leaves (the handler's end: a handler is one atomic step).
	SyncAlways Persistence = iota
	// SyncPeriodic: writes go to the page cache and an fsync runs every
	// FsyncIntervalNs; replies do not wait for it.
	SyncPeriodic
	// ForgetVote: like SyncAlways, but the vote is kept in memory only.
	ForgetVote
)

// Policy is one design: the switches, the data and the timing.
type Policy struct {
	Election ElectionRule
	Commit   CommitRule
	// MinInSync is CommitInSync's smallest in-sync set (0: a majority).
	MinInSync   int
	Read        ReadPath
	Persist     Persistence
	CheckQuorum bool // a leader that hears no majority for an election timeout steps down
	// Sessions deduplicate requests in the state machine by client and
	// request id (§6.3): a retried or duplicated request applies once, and
	// its copies are answered from the record of what it did.
	Sessions bool
	// AckByIndex answers a client when any entry at its write's index
	// applies, not only its own (index and term).
	AckByIndex bool
	// TruncateOnAppend cuts the log after prevLogIndex on every
	// AppendEntries, even a late duplicate.
	TruncateOnAppend bool
	// Redirect: a follower answers not-leader naming the leader (holding a
	// request while no leader is known), rather than forwarding it.
	Redirect bool
	// Lazy replicates on heartbeats only, in batches, not on each write.
	Lazy bool
	// HeartbeatNs overrides the heartbeat interval (CoreHeartbeatNs).
	HeartbeatNs int64
	Role        sim.Role // what the leader calls itself: leader, primary, single
	Machine     func() Machine
}

// Timing of the core, in virtual time (timers run on it, as on a
// monotonic clock; only leases read the wall clock).
const (
	CoreHeartbeatNs   = 50_000_000
	CoreElectionMinNs = 300_000_000
	CoreElectionMaxNs = 600_000_000
	// CoreFreshNs is how recently a follower must have heard its leader to
	// forward a client's request to it, rather than answer no-leader (at
	// least three heartbeats), and another node to count it visible.
	CoreFreshNs = 150_000_000
	// CoreLeaseNs is shorter than the minimum election timeout: while a
	// majority has heard the leader within it, none of them will vote for
	// anyone else — if the leader measures it with a clock that does not jump.
	CoreLeaseNs = 200_000_000
	// CoreLagNs: a follower silent this long leaves the in-sync set
	// (Kafka's replica.lag.time.max.ms).
	CoreLagNs = 200_000_000
	// FsyncIntervalNs is how often SyncPeriodic fsyncs.
	FsyncIntervalNs = 1_000_000_000
	// CompactEvery is how many applied entries a node keeps in its log
	// before it folds them into a snapshot: a restart replays at most this
	// many, whatever the run's length.
	CompactEvery = 512
	// coreMaxBatch bounds the entries one AppendEntries carries.
	coreMaxBatch = 64
	// coreMaxHeld bounds the client requests a node holds while leaderless.
	coreMaxHeld = 64
)

// NewCore is the node factory of a policy.
func NewCore(p Policy) sim.NodeFactory {
	if p.Role == sim.RoleNone {
		p.Role = sim.RoleLeader
	}
	if p.HeartbeatNs == 0 {
		p.HeartbeatNs = CoreHeartbeatNs
	}
	return func(id string) sim.Node { return &replica{p: &p, id: id} }
}

// pendingWrite is a client's entry waiting to be applied.
type pendingWrite struct {
	term int64
	msg  sim.Message
}

// pendingRead is a read waiting for its round and its read index.
type pendingRead struct {
	msg   sim.Message
	op    sim.Request
	round int64
	index int64
	at    int64 // monotonic: when it arrived
}

// replica is one node of the core.
type replica struct {
	p   *Policy
	id  string
	env *sim.Env // for Status: the lease left, by this node's clock

	// Persistent (core_log.go).
	term int64
	vote string
	snap snapshot // the log's compacted prefix
	log  []entry  // entries snap.Index+1, snap.Index+2, ...

	// Volatile.
	role      sim.Role
	leader    string
	commit    int64
	applied   int64
	m         Machine
	sessions  map[string]session
	votes     map[string]bool
	heardAt   []int64 // by node position: monotonic time each peer was last heard from
	leaderAt  int64   // monotonic time the leader was last heard from
	election  sim.TimerID
	pending   map[int64]pendingWrite
	held      []sim.Message // Redirect: client requests waiting for an election's end
	holdTimer sim.TimerID
	fsynced   int64            // SyncPeriodic: the last index on disk for certain
	appended  map[string]int64 // per client, the newest request id this node appended (on disk)
	refused   map[string]int64 // per client, the newest forward this node refused definitely (on disk)
	quiet     bool             // logging off: the first boot
	beating   bool             // a heartbeat timer is pending

	// Leader only, by node position (this node's own place unused): slices,
	// not maps keyed by id, as they are read on every message.
	next, match []int64
	acked       []int64 // highest round each peer answered this term
	ackAt       []int64 // monotonic time of each peer's last successful append
	round       int64
	sentAt      []int64 // wall-clock send time of rounds confirmed+1 ...
	confirmed   int64   // highest round a majority answered
	termStart   int64   // index of this term's no-op
	leaseUntil  int64   // by this node's wall clock
	isr         []string
	reads       []pendingRead
}

func (r *replica) Start(env *sim.Env) {
	r.env = env
	r.m = r.p.Machine()
	r.pending = map[int64]pendingWrite{}
	n := len(env.Nodes())
	r.heardAt = make([]int64, n)
	r.next, r.match, r.acked, r.ackAt = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	_, booted := env.Disk().Get("term")
	r.quiet = !booted // a cluster's first boot is not news
	defer func() { r.quiet = false }()
	r.recover(env)
	now := env.Monotonic()
	for i := range r.heardAt {
		r.heardAt[i] = now // everyone counts as heard at boot
	}
	r.leaderAt = now - CoreElectionMaxNs
	if r.p.Read == ReadLease {
		// A restarted node cannot know whether it heard a leader just before
		// it crashed, whose lease may run: it waits out an election timeout
		// before it votes.
		r.leaderAt = now
	}
	r.role = sim.RoleFollower
	r.resetElection(env)
	if r.p.Persist == SyncPeriodic {
		env.SetTimer(FsyncIntervalNs, tickFsync)
	}
	switch r.p.Election {
	case ElectFixed:
		if env.ID() == env.Nodes()[0] {
			// A fixed primary starts a new term on every boot, so entries it
			// lost in a crash cannot be mistaken for the ones it writes next.
			r.setTerm(env, r.term+1, env.ID())
			r.becomeLeader(env)
		} else {
			r.leader = env.Nodes()[0]
			if !booted {
				r.leaderAt = now // a fresh cluster: the primary is as fresh as this node
			}
		}
	case ElectLowestID:
		r.chooseLowest(env)
	default:
		if !booted {
			// A fresh cluster starts with the first node leading term 1, by
			// everyone's vote, so the first operations find a leader.
			first := env.Nodes()[0]
			r.setTerm(env, 1, first)
			if r.id == first {
				r.becomeLeader(env)
			} else {
				r.becomeFollower(env, 1, first)
			}
		}
	}
	r.beat(env)
	r.sync(env)
}

// beat keeps the heartbeat running while the node has something to do on
// it: lead, campaign, or (lowest-id rule) say hello.
func (r *replica) beat(env *sim.Env) {
	if !r.beating && (r.role != sim.RoleFollower || r.p.Election == ElectLowestID) {
		r.beating = true
		env.SetTimer(r.p.HeartbeatNs, tickBeat)
	}
}

// Handle and Timer sync the disk when they finish (SyncAlways). A handler
// runs as one step of the simulation, so no crash falls between its sends
// and the sync: that is the same as syncing before every reply.
func (r *replica) Handle(env *sim.Env, m sim.Message) {
	defer r.sync(env)
	if p := r.peer(env, m.Src); p >= 0 {
		r.heardAt[p] = env.Monotonic()
		if r.p.Election == ElectLowestID {
			r.chooseLowest(env)
		}
	}
	switch b := m.Body.(type) {
	case voteReq:
		r.onVote(env, m, b)
	case voteReply:
		r.onVoteReply(env, m, b)
	case appendReq:
		r.onAppend(env, m, b)
	case snapshotReq:
		r.onSnapshot(env, m, b)
	case appendReply:
		r.onAppendReply(env, m, b)
	case hello:
	default:
		if orig, req, ok := Request(m); ok {
			_, forwarded := m.Body.(Forwarded)
			r.onClient(env, orig, req, forwarded)
		}
	}
}

func (r *replica) Timer(env *sim.Env, tag any) {
	defer r.sync(env)
	switch tag {
	case tickBeat:
		r.beating = false
		r.onBeat(env)
		r.beat(env)
	case tickElection:
		if !r.isLeader() {
			r.campaign(env)
		}
	case tickRelease:
		r.release(env)
	case tickFsync:
		r.fsync(env)
		env.SetTimer(FsyncIntervalNs, tickFsync)
	}
}

func (r *replica) isLeader() bool { return r.role == r.p.Role }

// peer is id's position among the nodes, or -1 when id is this node or
// not a node (a client). A scan of a handful of ids costs less than a map.
func (r *replica) peer(env *sim.Env, id string) int {
	if id == r.id {
		return -1
	}
	return slices.Index(env.Nodes(), id)
}

// logf writes a line to the trace, except during a node's first boot.
func (r *replica) logf(env *sim.Env, format string, args ...any) {
	if !r.quiet {
		env.Logf(format, args...)
	}
}

func (r *replica) Status() sim.Status {
	st := sim.Status{Role: r.role, Term: r.term, Leader: r.leader}
	if r.m == nil {
		return st
	}
	st.Value = r.m.Describe()
	more := []any{"commit", fmt.Sprintf("%d/%d", r.commit, r.lastIndex())}
	if r.p.Commit == CommitInSync {
		more = append(more, "isr", strings.Join(r.isr, " "))
	}
	if r.p.Persist == SyncPeriodic {
		more = append(more, "on disk up to", r.fsynced)
	}
	if r.p.Read == ReadLease && r.isLeader() && r.env != nil {
		more = append(more, "lease", sim.FormatDuration(max(0, r.leaseUntil-r.env.Now())))
	}
	return withFacts(st, append([]any{"term", r.term, "value", st.Value, "leader", cmp.Or(r.leader, "none")}, more...), more)
}
