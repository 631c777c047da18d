package toydb

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// LeaseLock is lesson 8's database: a counter kept on a storage node (n2)
// that does no locking of its own, a lock service with leases (n1), and
// workers (n3, n4, ...) that serve each add as a locked read-modify-write:
// acquire the lock, read the counter, compute for a while, write the new
// total, release. The default workers trust the lock; careful ones check
// their lease before writing; the fix gives every grant a fencing token
// that the storage checks.
var LeaseLock = Design{
	Name: "lease-lock-and-storage",
	Variants: []Variant{
		{Name: "no-fencing", Summary: "workers trust the lock: once granted, they read, compute and write, however long that takes"},
		{Name: "check-lease", Summary: "workers check by their own clock that the lease is still valid before writing; the storage still checks nothing"},
		{Name: "fixed", Summary: "every grant carries a fencing token; the storage refuses a read or write whose token is older than one it has seen"},
	},
	New: func(variant string) sim.NodeFactory {
		return func(id string) sim.Node {
			return &llNode{id: id, fencing: variant == "fixed", checkLease: variant == "check-lease"}
		}
	},
}

// LockLeaseNs is how long a grant lasts unless released: far longer than a
// worker's normal read, compute and write.
const LockLeaseNs = 400_000_000

// Worker compute time between the read and the write (Kleppmann's "the
// client does some work"), drawn per operation.
const (
	llComputeMinNs = 40_000_000
	llComputeMaxNs = 120_000_000
)

// Roles by node id: n1 serves the lock, n2 stores the counter, the rest are
// workers. Smaller clusters combine roles so every option still runs.
func llLockServer(env *sim.Env) string { return env.Nodes()[0] }
func llStorage(env *sim.Env) string    { return env.Nodes()[min(1, len(env.Nodes())-1)] }
func llWorkers(env *sim.Env) []string {
	if ns := env.Nodes(); len(ns) >= 3 {
		return ns[2:]
	}
	return env.Nodes()
}

// Lock service messages.
type (
	llAcquire struct{ Op int64 } // Op: the worker's operation number, echoed in the grant
	llGrant   struct {
		Op      int64
		Token   int64
		LeaseNs int64
	}
	llRelease struct{ Token int64 }
)

func (llAcquire) Type() string     { return "acquire" }
func (llGrant) Type() string       { return "grant" }
func (llRelease) Type() string     { return "release" }
func (m llAcquire) String() string { return fmt.Sprintf("acquire (op %d)", m.Op) }
func (m llGrant) String() string {
	return fmt.Sprintf("grant token %d, lease %s (op %d)", m.Token, sim.FormatDuration(m.LeaseNs), m.Op)
}
func (m llRelease) String() string { return fmt.Sprintf("release token %d", m.Token) }

// Storage messages. Token is the sender's fencing token (0 in variants that
// have none, and ignored by a storage that does not fence).
type (
	llRead  struct{ Op, Token int64 }
	llWrite struct {
		Op, Token int64
		Value     int64
	}
	llResult struct {
		Op     int64
		Value  int64
		Fenced bool // refused: a newer token has been seen
	}
)

func (llRead) Type() string   { return "storage-read" }
func (llWrite) Type() string  { return "storage-write" }
func (llResult) Type() string { return "storage-result" }
func (m llRead) String() string {
	return fmt.Sprintf("storage-read (op %d, token %d)", m.Op, m.Token)
}
func (m llWrite) String() string {
	return fmt.Sprintf("storage-write %d (op %d, token %d)", m.Value, m.Op, m.Token)
}
func (m llResult) String() string {
	if m.Fenced {
		return fmt.Sprintf("refused: token too old (op %d)", m.Op)
	}
	return fmt.Sprintf("storage-result %d (op %d)", m.Value, m.Op)
}

// llComputed is the worker's timer: its computation is done.
type llComputed struct{ Op int64 }

func (t llComputed) String() string { return fmt.Sprintf("computed (op %d)", t.Op) }

// llStuck is the worker's timer for a step that got no answer (the lock
// service or the storage crashed, say): it asks again or gives up.
type llStuck struct {
	Op    int64
	Phase int
}

func (t llStuck) String() string {
	return fmt.Sprintf("no answer while %s (op %d)", llPhaseNames[t.Phase], t.Op)
}

// llStuckNs is how long a worker waits for an answer before it acts: far
// longer than any answer takes while the nodes are up.
const llStuckNs = 1_000_000_000

// llLockTick is the lock server's timer: look at the lease again.
type llLockTick struct{}

func (llLockTick) String() string { return "check lease" }

// llNode plays every role its id gives it.
type llNode struct {
	id         string
	fencing    bool
	checkLease bool
	lock       llLockState
	store      llStoreState
	work       llWorkerState
}

func (n *llNode) Start(env *sim.Env) {
	if v, ok := env.Disk().Get("token"); ok {
		n.lock.token = v.(int64)
	}
	if v, ok := env.Disk().Get("counter"); ok {
		n.store.value = v.(int64)
	}
	if v, ok := env.Disk().Get("max-token"); ok {
		n.store.maxToken = v.(int64)
	}
}

func (n *llNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case llAcquire:
		n.lock.acquire(env, m.Src, b.Op)
	case llRelease:
		n.lock.release(env, b.Token)
	case llRead:
		n.store.read(env, m, b, n.fencing)
	case llWrite:
		n.store.write(env, m, b, n.fencing)
	case llGrant:
		n.work.granted(env, b, n.checkLease)
	case llResult:
		n.work.result(env, b)
	default:
		n.client(env, m)
	}
}

// client routes a client's request: reads to the storage, adds to a worker.
func (n *llNode) client(env *sim.Env, m sim.Message) {
	orig, req, ok := Request(m)
	if !ok {
		return
	}
	switch req.F {
	case "read":
		if env.ID() == llStorage(env) {
			env.ReplyOK(orig, n.store.value)
			return
		}
		Forward(env, llStorage(env), orig, req)
	case "add":
		if _, ok := history.Int(req.Value); !ok {
			env.ReplyError(orig, "bad-value", true, "")
			return
		}
		ws := llWorkers(env)
		for _, w := range ws {
			if w == env.ID() {
				n.work.enqueue(env, orig, req)
				return
			}
		}
		Forward(env, ws[env.Rand().IntN(len(ws))], orig, req)
	default:
		env.ReplyError(orig, "unsupported", true, "")
	}
}

func (n *llNode) Timer(env *sim.Env, tag any) {
	switch t := tag.(type) {
	case llComputed:
		n.work.computed(env, t.Op, n.checkLease)
	case llStuck:
		n.work.stuck(env, t)
	case llLockTick:
		n.lock.tick(env)
	}
}

func (n *llNode) Status() sim.Status {
	switch {
	case n.id == "n1":
		return n.lock.status()
	case n.id == "n2":
		return n.store.status(n.fencing)
	}
	return n.work.status()
}

// --- the lock service ---

type llWaiter struct {
	worker string
	op     int64
}

type llLockState struct {
	holder  string
	token   int64 // the last token granted
	expiry  int64 // by this node's clock
	waiters []llWaiter
	ticking bool
}

func (l *llLockState) acquire(env *sim.Env, worker string, op int64) {
	l.expire(env)
	if l.holder == "" {
		l.grant(env, llWaiter{worker, op})
		return
	}
	l.waiters = append(l.waiters, llWaiter{worker, op})
	l.arm(env)
}

func (l *llLockState) grant(env *sim.Env, w llWaiter) {
	l.token++
	l.holder, l.expiry = w.worker, env.Now()+LockLeaseNs
	// Tokens must never repeat, even across a crash of the lock service.
	env.Disk().Put("token", l.token)
	env.Disk().Sync()
	env.Send(w.worker, llGrant{Op: w.op, Token: l.token, LeaseNs: LockLeaseNs})
	l.arm(env)
}

func (l *llLockState) release(env *sim.Env, token int64) {
	if token != l.token || l.holder == "" {
		env.Logf("release of token %d ignored: the lock is now token %d", token, l.token)
		return
	}
	l.holder = ""
	l.next(env)
}

// expire ends a lease whose time, by this node's clock, is up.
func (l *llLockState) expire(env *sim.Env) {
	if l.holder != "" && env.Now() >= l.expiry {
		env.Logf("lease of token %d expired: %s no longer holds the lock", l.token, l.holder)
		l.holder = ""
	}
}

func (l *llLockState) next(env *sim.Env) {
	if l.holder == "" && len(l.waiters) > 0 {
		w := l.waiters[0]
		l.waiters = l.waiters[1:]
		l.grant(env, w)
	}
}

// arm keeps one timer running while someone waits, so an expired lease is
// noticed. It looks at least every 50 ms: the lease is judged by the local
// clock, which may jump, while timers run on true time.
func (l *llLockState) arm(env *sim.Env) {
	if l.ticking || l.holder == "" || len(l.waiters) == 0 {
		return
	}
	l.ticking = true
	env.SetTimer(max(1, min(l.expiry-env.Now(), 50_000_000)), llLockTick{})
}

func (l *llLockState) tick(env *sim.Env) {
	l.ticking = false
	l.expire(env)
	l.next(env)
	l.arm(env)
}

func (l *llLockState) status() sim.Status {
	s := sim.Status{Role: "lock-service", Value: "free", Detail: fmt.Sprintf("last token %d", l.token)}
	if l.holder != "" {
		s.Value = fmt.Sprintf("held by %s, token %d", l.holder, l.token)
		s.Detail = fmt.Sprintf("lease ends at %s by n1's clock; %d waiting", sim.FormatDuration(l.expiry), len(l.waiters))
	}
	return s
}

// --- the storage ---

type llStoreState struct {
	value    int64
	maxToken int64 // the newest token seen (used only when fencing)
	refused  int64
}

// admit says whether a request with this token may proceed.
func (s *llStoreState) admit(env *sim.Env, token int64, fencing bool) bool {
	if !fencing {
		return true
	}
	if token < s.maxToken {
		s.refused++
		env.Logf("token %d is older than token %d: refused", token, s.maxToken)
		return false
	}
	if token > s.maxToken {
		s.maxToken = token
		env.Disk().Put("max-token", token)
		env.Disk().Sync()
	}
	return true
}

func (s *llStoreState) read(env *sim.Env, m sim.Message, b llRead, fencing bool) {
	if !s.admit(env, b.Token, fencing) {
		env.Reply(m, llResult{Op: b.Op, Fenced: true})
		return
	}
	env.Reply(m, llResult{Op: b.Op, Value: s.value})
}

func (s *llStoreState) write(env *sim.Env, m sim.Message, b llWrite, fencing bool) {
	if !s.admit(env, b.Token, fencing) {
		env.Reply(m, llResult{Op: b.Op, Fenced: true})
		return
	}
	s.value = b.Value
	env.Disk().Put("counter", b.Value)
	env.Disk().Sync()
	env.Reply(m, llResult{Op: b.Op, Value: b.Value})
}

func (s *llStoreState) status(fencing bool) sim.Status {
	d := "checks no tokens"
	if fencing {
		d = fmt.Sprintf("newest token %d, %d refused", s.maxToken, s.refused)
	}
	return sim.Status{Role: "storage", Value: fmt.Sprint(s.value), Detail: d}
}

// --- a worker ---

const (
	llIdle = iota
	llAcquiring
	llReading
	llComputing
	llWriting
)

var llPhaseNames = [...]string{"idle", "waiting for the lock", "reading", "computing", "writing"}

type llWorkerState struct {
	queue    []llJob
	cur      llJob
	phase    int
	op       int64 // the current operation's number
	token    int64
	sentAt   int64 // when the acquire left, by this node's clock
	leaseEnd int64 // by this node's clock: sentAt + lease, conservatively
	read     int64
	// stuckTimer is the running llStuck timer, if any.
	stuckTimer sim.TimerID
	seen       map[int64]bool // request ids taken, so duplicates are dropped
}

type llJob struct {
	orig sim.Message
	add  int64
}

func (w *llWorkerState) enqueue(env *sim.Env, orig sim.Message, req sim.ClientRequest) {
	// A request the network delivered twice is served once: duplicates are
	// not this lesson's subject.
	if w.seen == nil {
		w.seen = map[int64]bool{}
	}
	if w.seen[req.ReqID] {
		return
	}
	w.seen[req.ReqID] = true
	d, _ := history.Int(req.Value)
	w.queue = append(w.queue, llJob{orig: orig, add: d})
	w.startNext(env)
}

func (w *llWorkerState) startNext(env *sim.Env) {
	if w.phase != llIdle || len(w.queue) == 0 {
		return
	}
	w.cur, w.queue = w.queue[0], w.queue[1:]
	w.op++
	w.phase, w.token, w.sentAt = llAcquiring, 0, env.Now()
	env.Send(llLockServer(env), llAcquire{Op: w.op})
	w.watch(env)
}

func (w *llWorkerState) granted(env *sim.Env, g llGrant, checkLease bool) {
	if w.phase != llAcquiring || g.Op != w.op {
		env.Send(llLockServer(env), llRelease{Token: g.Token}) // a grant it no longer wants
		return
	}
	w.token, w.leaseEnd = g.Token, w.sentAt+g.LeaseNs
	if checkLease && env.Now() >= w.leaseEnd {
		w.finish(env, "lease-expired")
		return
	}
	w.phase = llReading
	env.Send(llStorage(env), llRead{Op: w.op, Token: w.token})
	w.watch(env)
}

func (w *llWorkerState) result(env *sim.Env, r llResult) {
	if r.Op != w.op || (w.phase != llReading && w.phase != llWriting) {
		return // late: the worker gave up on this step
	}
	switch {
	case r.Fenced:
		w.finish(env, "fenced")
	case w.phase == llReading:
		w.read, w.phase = r.Value, llComputing
		w.unwatch(env)
		d := llComputeMinNs + env.Rand().Int64N(llComputeMaxNs-llComputeMinNs+1)
		env.SetTimer(d, llComputed{Op: w.op})
	case w.phase == llWriting:
		w.finish(env, "")
	}
}

func (w *llWorkerState) computed(env *sim.Env, op int64, checkLease bool) {
	if op != w.op || w.phase != llComputing {
		return
	}
	if checkLease && env.Now() >= w.leaseEnd {
		env.Logf("lease of token %d has run out by my clock: not writing", w.token)
		w.finish(env, "lease-expired")
		return
	}
	w.phase = llWriting
	env.Send(llStorage(env), llWrite{Op: w.op, Token: w.token, Value: w.read + w.cur.add})
	w.watch(env)
}

// watch arms the timer for the step just begun, replacing the last one, so
// that steps answered in time leave no timer behind.
func (w *llWorkerState) watch(env *sim.Env) {
	w.unwatch(env)
	w.stuckTimer = env.SetTimer(llStuckNs, llStuck{Op: w.op, Phase: w.phase})
}

func (w *llWorkerState) unwatch(env *sim.Env) {
	if w.stuckTimer != 0 {
		env.CancelTimer(w.stuckTimer)
		w.stuckTimer = 0
	}
}

// stuck handles a step that got no answer in time by giving up: certainly
// before the write (nothing changed), or not knowing after it (the write
// may have landed).
func (w *llWorkerState) stuck(env *sim.Env, t llStuck) {
	if t.Op != w.op || t.Phase != w.phase {
		return
	}
	w.stuckTimer = 0
	switch w.phase {
	case llAcquiring:
		// Nothing was written: every waiting add certainly failed, and
		// saying so at once keeps the clients' outcomes definite.
		for _, j := range w.queue {
			env.ReplyError(j.orig, "lock-unavailable", true, "")
		}
		w.queue = nil
		w.finish(env, "lock-unavailable")
	case llReading:
		w.finish(env, "storage-unavailable")
	case llWriting:
		w.finishUnknown(env)
	}
}

// finish answers the client (code "" for success; any code is definite:
// the write did not happen), releases the lock and takes the next job.
func (w *llWorkerState) finish(env *sim.Env, code string) {
	if code == "" {
		env.ReplyOK(w.cur.orig, w.cur.add)
	} else {
		env.ReplyError(w.cur.orig, code, true, "")
	}
	w.next(env)
}

// finishUnknown answers that the add may or may not have happened.
func (w *llWorkerState) finishUnknown(env *sim.Env) {
	env.ReplyError(w.cur.orig, "storage-timeout", false, "")
	w.next(env)
}

// next releases the lock and takes the next job.
func (w *llWorkerState) next(env *sim.Env) {
	if w.token != 0 {
		env.Send(llLockServer(env), llRelease{Token: w.token})
	}
	w.phase, w.token = llIdle, 0
	w.unwatch(env)
	w.startNext(env)
}

func (w *llWorkerState) status() sim.Status {
	s := sim.Status{Role: "worker", Value: llPhaseNames[w.phase], Detail: fmt.Sprintf("%d queued", len(w.queue))}
	if w.token != 0 {
		s.Value = fmt.Sprintf("%s, token %d", llPhaseNames[w.phase], w.token)
	}
	if w.phase == llComputing {
		s.Detail = fmt.Sprintf("read %d, will write %d; %d queued", w.read, w.read+w.cur.add, len(w.queue))
	}
	return s
}
