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
// total, release. Leases are measured on monotonic clocks, as a real lock
// service does, so clock jumps change nothing; a process pause does. The
// default workers trust the lock; careful ones check their lease after
// computing — and then take one more step, preparing the write, where a
// pause (a GC, a stalled VM) can still fall; the fix gives every grant a
// fencing token that the storage checks.
var LeaseLock = Design{
	Name: "lease-lock-and-storage",
	Variants: []Variant{
		{Name: "no-fencing", Summary: "workers trust the lock: once granted, they read, compute and write, however long that takes"},
		{Name: "check-lease", Summary: "workers check that their lease is still valid before they write; a pause after the check still writes late"},
		{Name: Fixed, Summary: "every grant carries a fencing token; the storage refuses a read or write whose token is older than one it has seen", Tolerates: everything},
	},
	New: func(variant string) sim.NodeFactory {
		return func(id string) sim.Node {
			return &llNode{id: id, fencing: variant == Fixed, checkLease: variant == "check-lease"}
		}
	},
}

// LockLeaseNs is how long a grant lasts unless released: far longer than a
// worker's normal read, compute and write.
const LockLeaseNs = 400_000_000

// A worker's steps, drawn per operation: computing between the read and
// the write (Kleppmann's "the client does some work"), then preparing the
// write after the lease check.
const (
	llComputeMinNs = 40_000_000
	llComputeMaxNs = 120_000_000
	llPrepareMinNs = 20_000_000
	llPrepareMaxNs = 60_000_000
	// llStuckNs is how long a worker waits for an answer before it gives up
	// on a step: far longer than any answer takes while the nodes are up.
	llStuckNs = 1_000_000_000
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

// llLock is a lock service message: a worker's acquire and release, and
// the service's grant. Op is the worker's ident for the operation the lock
// is for, echoed in the grant.
type llLock struct {
	Kind    string // acquire, grant, release
	Op      ident
	Token   int64
	LeaseNs int64
}

func (m llLock) Type() string { return m.Kind }
func (m llLock) String() string {
	switch m.Kind {
	case "grant":
		return fmt.Sprintf("grant token %d, lease %s (op %s)", m.Token, sim.FormatDuration(m.LeaseNs), m.Op)
	case "release":
		return fmt.Sprintf("release token %d", m.Token)
	}
	return fmt.Sprintf("acquire (op %s)", m.Op)
}

// llStore is a storage message: a worker's read or write (of Value), and
// the storage's result (Value, what it holds; Write, to a write; Fenced:
// refused, a newer token has been seen). Token is the worker's fencing token (ignored by a
// storage that does not fence).
type llStore struct {
	Kind   string // storage-read, storage-write, storage-result
	Op     ident
	Token  int64
	Value  int64
	Write  bool
	Fenced bool
}

func (m llStore) Type() string { return m.Kind }
func (m llStore) String() string {
	switch {
	case m.Fenced:
		return fmt.Sprintf("refused: token too old (op %s)", m.Op)
	case m.Kind == "storage-write":
		return fmt.Sprintf("storage-write %d (op %s, token %d)", m.Value, m.Op, m.Token)
	case m.Kind == "storage-read":
		return fmt.Sprintf("storage-read (op %s, token %d)", m.Op, m.Token)
	}
	return fmt.Sprintf("storage-result %d (op %s)", m.Value, m.Op)
}

// llStep is a worker's timer: a step of its own is over (computing,
// preparing), or a step got no answer in time (stuck).
type llStep struct {
	Op    ident
	Phase int
	Stuck bool
}

func (t llStep) String() string {
	if t.Stuck {
		return fmt.Sprintf("no answer while %s (op %s)", llPhaseNames[t.Phase], t.Op)
	}
	return fmt.Sprintf("done %s (op %s)", llPhaseNames[t.Phase], t.Op)
}

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
	sim.Load(env.Disk(), "token", &n.lock.token)
	sim.Load(env.Disk(), "counter", &n.store.value)
	sim.Load(env.Disk(), "max-token", &n.store.maxToken)
	n.work.ids, n.work.done = newIdents(env), done{env}
}

func (n *llNode) Handle(env *sim.Env, m sim.Message) {
	switch b := m.Body.(type) {
	case llLock:
		switch b.Kind {
		case "acquire":
			n.lock.acquire(env, llWaiter{m.Src, b.Op})
		case "release":
			n.lock.release(env, b.Token)
		case "grant":
			n.work.granted(env, b)
		}
	case llStore:
		if b.Kind == "storage-result" {
			n.work.result(env, b)
		} else {
			n.store.access(env, m, b, n.fencing)
		}
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
			env.ReplyError(orig, history.ErrorBadRequest, true, "")
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
		env.ReplyError(orig, history.ErrorUnsupported, true, "")
	}
}

func (n *llNode) Timer(env *sim.Env, tag any) {
	switch t := tag.(type) {
	case llStep:
		n.work.step(env, t, n.checkLease)
	case llLockTick:
		n.lock.tick(env)
	}
}

func (n *llNode) Status() sim.Status {
	switch n.id {
	case "n1":
		return n.lock.status()
	case "n2":
		return n.store.status(n.fencing)
	}
	return n.work.status()
}

// --- the lock service ---

type llWaiter struct {
	worker string
	op     ident
}

type llLockState struct {
	holder  llWaiter // worker "" when free
	token   int64    // the last token granted
	expiry  int64    // by this node's monotonic clock
	waiters []llWaiter
	ticking bool
}

// acquire grants the lock or queues the worker. A copy of a request
// already granted gets the same grant again; one already queued, nothing.
func (l *llLockState) acquire(env *sim.Env, w llWaiter) {
	l.expire(env)
	switch {
	case l.holder == w:
		env.Send(w.worker, llLock{Kind: "grant", Op: w.op, Token: l.token, LeaseNs: l.expiry - env.Monotonic()})
	case l.holder.worker == "":
		l.grant(env, w)
	default:
		for _, q := range l.waiters {
			if q == w {
				return
			}
		}
		l.waiters = append(l.waiters, w)
		l.arm(env)
	}
}

func (l *llLockState) grant(env *sim.Env, w llWaiter) {
	l.token++
	l.holder, l.expiry = w, env.Monotonic()+LockLeaseNs
	// Tokens must never repeat, even across a crash of the lock service.
	env.Disk().Put("token", l.token)
	env.Disk().Sync()
	env.Send(w.worker, llLock{Kind: "grant", Op: w.op, Token: l.token, LeaseNs: LockLeaseNs})
	l.arm(env)
}

func (l *llLockState) release(env *sim.Env, token int64) {
	if token != l.token || l.holder.worker == "" {
		env.Logf("release of token %d ignored: the lock is now token %d", token, l.token)
		return
	}
	l.holder = llWaiter{}
	l.next(env)
}

// expire ends a lease whose time is up.
func (l *llLockState) expire(env *sim.Env) {
	if l.holder.worker != "" && env.Monotonic() >= l.expiry {
		env.Logf("lease of token %d expired: %s no longer holds the lock", l.token, l.holder.worker)
		l.holder = llWaiter{}
	}
}

func (l *llLockState) next(env *sim.Env) {
	if l.holder.worker == "" && len(l.waiters) > 0 {
		w := l.waiters[0]
		l.waiters = l.waiters[1:]
		l.grant(env, w)
	}
}

// arm keeps one timer running while someone waits, set for the lease's
// end: timers and leases run on the same monotonic time.
func (l *llLockState) arm(env *sim.Env) {
	if l.ticking || l.holder.worker == "" || len(l.waiters) == 0 {
		return
	}
	l.ticking = true
	env.SetTimer(max(1, l.expiry-env.Monotonic()), llLockTick{})
}

func (l *llLockState) tick(env *sim.Env) {
	l.ticking = false
	l.expire(env)
	l.next(env)
	l.arm(env)
}

func (l *llLockState) status() sim.Status {
	s := sim.Status{Role: sim.RoleLockService, Value: "free", Detail: fmt.Sprintf("last token %d", l.token),
		Key: sim.Facts("holder", "none", "token", l.token)}
	if l.holder.worker != "" {
		s.Value = fmt.Sprintf("held by %s, token %d", l.holder.worker, l.token)
		s.Detail = fmt.Sprintf("lease ends at %s; %d waiting", sim.FormatDuration(l.expiry), len(l.waiters))
		s.Key = sim.Facts("holder", l.holder.worker, "token", l.token, "lease ends", sim.FormatDuration(l.expiry))
	}
	return s
}

// --- the storage ---

type llStoreState struct {
	value    int64
	maxToken int64 // the newest token seen (used only when fencing)
	refused  int64
}

// access serves a read or a write, unless fencing refuses a token older
// than the newest seen.
func (s *llStoreState) access(env *sim.Env, m sim.Message, a llStore, fencing bool) {
	res := llStore{Kind: "storage-result", Op: a.Op, Write: a.Kind == "storage-write"}
	wrote := fmt.Sprintf("wrote/%d", a.Token) // each grant writes once
	switch {
	case fencing && res.Write && sim.Load(env.Disk(), wrote, new(bool)):
		// A copy of a write already carried out (the network delivered it
		// twice): carried out it stays, whatever token came since.
		env.Logf("token %d's write was already carried out", a.Token)
	case fencing && a.Token < s.maxToken:
		s.refused++
		env.Logf("token %d is older than token %d: refused", a.Token, s.maxToken)
		res.Fenced = true
	case res.Write:
		s.value = a.Value
		env.Disk().Put("counter", s.value)
		if fencing {
			env.Disk().Put(wrote, true)
		}
	}
	if fencing && a.Token > s.maxToken {
		s.maxToken = a.Token
		env.Disk().Put("max-token", a.Token)
	}
	env.Disk().Sync()
	res.Value = s.value
	env.Reply(m, res)
}

func (s *llStoreState) status(fencing bool) sim.Status {
	st := sim.Status{Role: sim.RoleStorage, Value: fmt.Sprint(s.value), Detail: "checks no tokens",
		Key: sim.Facts("counter", s.value)}
	if fencing {
		st.Detail = fmt.Sprintf("newest token %d, %d refused", s.maxToken, s.refused)
		st.Key = append(st.Key, sim.Facts("newest token", s.maxToken, "refused", s.refused)...)
	}
	return st
}

// --- a worker ---

const (
	llIdle = iota
	llAcquiring
	llReading
	llComputing
	llPreparing
	llWriting
)

var llPhaseNames = [...]string{"idle", "waiting for the lock", "reading", "computing", "preparing the write", "writing"}

type llWorkerState struct {
	ids      idents
	done     done // adds taken: a copy of one is not served twice
	queue    []llJob
	cur      llJob
	phase    int
	op       ident // the current operation
	token    int64
	sentAt   int64 // when the acquire left, by the monotonic clock
	leaseEnd int64 // sentAt + lease: conservatively early
	read     int64
	timer    sim.TimerID // the running stuck timer, if any
}

type llJob struct {
	orig  sim.Message
	reqID int64
	add   int64
}

// enqueue takes an add. A copy of one already taken (the network
// delivered a forward twice) is answered from the record if it finished,
// dropped if it is under way, and answered "unknown" if this worker
// crashed while serving it.
func (w *llWorkerState) enqueue(env *sim.Env, orig sim.Message, req sim.ClientRequest) {
	if o, seen := w.done.lookup(req.ReqID); seen {
		busy := w.cur.reqID == req.ReqID && w.phase != llIdle
		for _, j := range w.queue {
			busy = busy || j.reqID == req.ReqID
		}
		switch {
		case busy:
		case o.Code == "":
			env.ReplyOK(orig, o.Value)
		default:
			env.ReplyError(orig, o.Code, o.Code != history.ErrorTimedOut, "")
		}
		return
	}
	w.done.record(req.ReqID, outcome{Code: history.ErrorTimedOut}) // until it finishes
	env.Disk().Sync()
	d, _ := history.Int(req.Value)
	w.queue = append(w.queue, llJob{orig: orig, reqID: req.ReqID, add: d})
	w.startNext(env)
}

func (w *llWorkerState) startNext(env *sim.Env) {
	if w.phase != llIdle || len(w.queue) == 0 {
		return
	}
	w.cur, w.queue = w.queue[0], w.queue[1:]
	w.op = w.ids.next()
	w.phase, w.token, w.sentAt = llAcquiring, 0, env.Monotonic()
	env.Send(llLockServer(env), llLock{Kind: "acquire", Op: w.op})
	w.watch(env)
}

func (w *llWorkerState) granted(env *sim.Env, g llLock) {
	switch {
	case g.Op == w.op && g.Token == w.token:
		return // a copy of the grant it holds
	case w.phase != llAcquiring || g.Op != w.op:
		env.Send(llLockServer(env), llLock{Kind: "release", Token: g.Token}) // a grant it no longer wants
		return
	}
	w.token, w.leaseEnd = g.Token, w.sentAt+g.LeaseNs
	w.phase = llReading
	env.Send(llStorage(env), llStore{Kind: "storage-read", Op: w.op, Token: w.token})
	w.watch(env)
}

func (w *llWorkerState) result(env *sim.Env, r llStore) {
	if r.Op != w.op || r.Write != (w.phase == llWriting) || (w.phase != llReading && w.phase != llWriting) {
		return // late, a copy, or the answer to another step
	}
	switch {
	case r.Fenced:
		w.finish(env, history.ErrorFenced)
	case w.phase == llReading:
		w.read = r.Value
		w.after(env, llComputing, llComputeMinNs, llComputeMaxNs)
	default:
		w.finish(env, "")
	}
}

// after starts a step of the worker's own that takes a while.
func (w *llWorkerState) after(env *sim.Env, phase int, lo, hi int64) {
	w.unwatch(env)
	w.phase = phase
	env.SetTimer(lo+env.Rand().Int64N(hi-lo+1), llStep{Op: w.op, Phase: phase})
}

// step ends a step of the worker's own, or gives up on one stuck.
func (w *llWorkerState) step(env *sim.Env, t llStep, checkLease bool) {
	if t.Op != w.op || t.Phase != w.phase {
		return
	}
	switch {
	case t.Stuck:
		w.stuck(env)
	case w.phase == llComputing && checkLease:
		if env.Monotonic() >= w.leaseEnd {
			env.Logf("lease of token %d has run out: not writing", w.token)
			w.finish(env, history.ErrorLeaseExpired)
			return
		}
		// The lease holds now. Preparing the write takes a moment more, and
		// a pause there goes unnoticed: the window the check cannot close.
		w.after(env, llPreparing, llPrepareMinNs, llPrepareMaxNs)
	default:
		w.phase = llWriting
		env.Send(llStorage(env), llStore{Kind: "storage-write", Op: w.op, Token: w.token, Value: w.read + w.cur.add})
		w.watch(env)
	}
}

// watch arms the timer for the step just begun, replacing the last one, so
// that steps answered in time leave no timer behind.
func (w *llWorkerState) watch(env *sim.Env) {
	w.unwatch(env)
	w.timer = env.SetTimer(llStuckNs, llStep{Op: w.op, Phase: w.phase, Stuck: true})
}

func (w *llWorkerState) unwatch(env *sim.Env) {
	if w.timer != 0 {
		env.CancelTimer(w.timer)
		w.timer = 0
	}
}

// stuck gives up on a step that got no answer: certainly before the write
// (nothing changed), or not knowing after it (the write may have landed).
func (w *llWorkerState) stuck(env *sim.Env) {
	w.timer = 0
	switch w.phase {
	case llAcquiring:
		// Nothing was written: every waiting add certainly failed, and
		// saying so at once keeps the clients' outcomes definite.
		for _, j := range w.queue {
			w.answer(env, j, history.ErrorUnavailable)
		}
		w.queue = nil
		w.finish(env, history.ErrorUnavailable)
	case llReading:
		w.finish(env, history.ErrorUnavailable)
	case llWriting:
		w.finish(env, history.ErrorTimedOut)
	}
}

// finish answers the client (code "" for success; ErrorTimedOut for a
// write that may have landed; any other code is definite: nothing was
// written), releases the lock and takes the next job.
func (w *llWorkerState) finish(env *sim.Env, code string) {
	w.answer(env, w.cur, code)
	if w.token != 0 {
		env.Send(llLockServer(env), llLock{Kind: "release", Token: w.token})
	}
	w.phase, w.token = llIdle, 0
	w.unwatch(env)
	w.startNext(env)
}

// answer replies to a job's client and records the outcome for copies.
func (w *llWorkerState) answer(env *sim.Env, j llJob, code string) {
	o := outcome{Value: j.add, Code: code}
	w.done.record(j.reqID, o)
	env.Disk().Sync()
	if code == "" {
		env.ReplyOK(j.orig, j.add)
		return
	}
	env.ReplyError(j.orig, code, code != history.ErrorTimedOut, "")
}

func (w *llWorkerState) status() sim.Status {
	s := sim.Status{Role: sim.RoleWorker, Value: llPhaseNames[w.phase], Detail: fmt.Sprintf("%d queued", len(w.queue)),
		Key: sim.Facts("phase", llPhaseNames[w.phase])}
	if w.token != 0 {
		s.Value = fmt.Sprintf("%s, token %d", llPhaseNames[w.phase], w.token)
		s.Key = append(s.Key, sim.Facts("token", w.token, "lease until", sim.FormatDuration(w.leaseEnd))...)
	}
	if w.phase == llComputing || w.phase == llPreparing {
		s.Detail = fmt.Sprintf("read %d, will write %d; %d queued", w.read, w.read+w.cur.add, len(w.queue))
	}
	return s
}
