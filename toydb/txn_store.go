package toydb

import (
	"fmt"
	"slices"

	"github.com/faultline-lab/faultline/history"
)

// The transactional store of lessons 14–16: one database server running
// many transactions at once, a micro-operation at a time, the way a SQL
// server runs interactive sessions. Committed data is multi-versioned (a
// version per commit, stamped with the commit's sequence number), so a
// transaction can read the state as of its start. What differs between
// the lessons' variants is a handful of switches: where a transaction's
// writes live before it commits, which state its reads see, and what the
// store checks at commit.

// isolation is the store's concurrency control.
type isolation struct {
	// dirty applies writes in place, where every transaction's reads see
	// them before they commit (undone if the writer aborts): read
	// uncommitted. Otherwise writes wait in the transaction until commit.
	dirty bool
	// snapshot makes every read see the committed state as of the
	// transaction's start; otherwise a read sees the latest committed
	// state (read committed).
	snapshot bool
	// locks takes a write lock on every key a transaction writes, held to
	// its end; a transaction that wants a lock another holds aborts at once
	// (no waiting, so no deadlock).
	locks bool
	// firstCommitterWins aborts, at commit, a transaction that writes a key
	// another transaction committed since its snapshot.
	firstCommitterWins bool
	// certifyReads aborts, at commit, a transaction that read a key another
	// transaction committed since its snapshot: its reads are then no
	// longer the state it commits on (optimistic certification).
	certifyReads bool
	// blindRetry, where first-committer-wins finds a conflict, applies the
	// transaction's writes to the newest state and commits anyway, keeping
	// the reads it returns from its old snapshot.
	blindRetry bool
}

// The errors a transaction aborts with: definite (it did not happen).
const (
	txnErrLocked   = "locked"   // another transaction holds a lock it needs
	txnErrConflict = "conflict" // certification at commit failed
	txnErrBadTxn   = "bad-transaction"
)

// kvVersion is one committed version of a key.
type kvVersion struct {
	Seq   int64 // the commit that wrote it
	Value any   // a list ([]any) for appends, a value for writes
}

// txnStore is the committed data, and the transactions in flight.
type txnStore struct {
	iso      isolation
	lists    bool // list-append's lists, else rw-register's registers
	versions map[string][]kvVersion
	seq      int64              // the last commit's number
	lockedBy map[string]*txnRun // key → the transaction holding its write lock
	// overlay holds uncommitted writes applied in place (dirty): key → the
	// value every reader sees now. Only the lock holder writes it.
	overlay map[string]any
}

func newTxnStore(iso isolation, lists bool) *txnStore {
	return &txnStore{iso: iso, lists: lists, versions: map[string][]kvVersion{}, lockedBy: map[string]*txnRun{}, overlay: map[string]any{}}
}

// txnRun is a transaction in flight.
type txnRun struct {
	id       int64 // local to this run of the server
	mops     []history.MicroOp
	next     int   // the next micro-operation to run
	snapshot int64 // the last commit its reads may see (snapshot reads)
	read     map[string]bool
	// pending are its buffered writes, in order of first write: each key's
	// appended elements or written value.
	pending []bufferedWrite
	locks   []string
}

type bufferedWrite struct {
	key      string
	appended []any
	value    any
}

func (s *txnStore) begin(id int64, mops []history.MicroOp) *txnRun {
	return &txnRun{id: id, mops: slices.Clone(mops), snapshot: s.seq, read: map[string]bool{}}
}

// committed is a key's value as of commit seq (nil: never written).
func (s *txnStore) committed(key string, seq int64) any {
	vs := s.versions[key]
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Seq <= seq {
			return vs[i].Value
		}
	}
	return nil
}

func (s *txnStore) latest(key string) any { return s.committed(key, s.seq) }

// lastCommit is the number of the last commit that wrote key (0: none).
func (s *txnStore) lastCommit(key string) int64 {
	if vs := s.versions[key]; len(vs) > 0 {
		return vs[len(vs)-1].Seq
	}
	return 0
}

// base is what t's read of key starts from: another transaction's
// uncommitted write (dirty), its snapshot, or the latest commit.
func (s *txnStore) base(t *txnRun, key string) any {
	if s.iso.dirty {
		if v, ok := s.overlay[key]; ok {
			return v
		}
	}
	if s.iso.snapshot {
		return s.committed(key, t.snapshot)
	}
	return s.latest(key)
}

func (t *txnRun) pendingFor(key string) *bufferedWrite {
	for i := range t.pending {
		if t.pending[i].key == key {
			return &t.pending[i]
		}
	}
	return nil
}

// view is key as t reads it: the base with t's own buffered writes on top.
func (s *txnStore) view(t *txnRun, key string) any {
	v := s.base(t, key)
	p := t.pendingFor(key)
	switch {
	case p == nil || s.iso.dirty: // a dirty write is in the base already
	case s.lists:
		v = appendList(v, p.appended...)
	default:
		v = p.value
	}
	if s.lists && v == nil {
		v = []any{}
	}
	return v
}

// appendList is a new list: l's elements, then more (l is never changed).
func appendList(l any, more ...any) []any {
	old, _ := l.([]any)
	out := make([]any, 0, len(old)+len(more))
	return append(append(out, old...), more...)
}

// step runs t's next micro-operation. It returns an abort code ("" while
// t goes on) and a line for the log: always for an abort, otherwise only
// when say is set (building it costs more than the step when the trace is
// off).
func (s *txnStore) step(t *txnRun, say bool) (abort, log string) {
	m := &t.mops[t.next]
	t.next++
	key, ok := m.Key.(string)
	if !ok {
		return txnErrBadTxn, fmt.Sprintf("txn #%d: a key must be a name, not %s", t.id, history.Format(m.Key))
	}
	switch m.F {
	case history.MopRead:
		m.Value = s.view(t, key)
		t.read[key] = true
		if say {
			log = fmt.Sprintf("txn #%d reads %s: %s", t.id, key, history.Format(m.Value))
		}
		return "", log
	case history.MopAppend, history.MopWrite:
		if s.iso.locks {
			if holder := s.lockedBy[key]; holder != nil && holder != t {
				return txnErrLocked, fmt.Sprintf("txn #%d aborts: txn #%d holds the lock on %s", t.id, holder.id, key)
			}
			if s.lockedBy[key] == nil {
				s.lockedBy[key] = t
				t.locks = append(t.locks, key)
			}
		}
		s.write(t, key, m.F == history.MopAppend, m.Value)
		if say {
			log = fmt.Sprintf("txn #%d %s %s %s", t.id, verb(m.F), key, history.Format(m.Value))
		}
		return "", log
	}
	return txnErrBadTxn, fmt.Sprintf("txn #%d: %q is no micro-operation", t.id, m.F)
}

func verb(f string) string {
	if f == history.MopAppend {
		return "appends to"
	}
	return "writes"
}

// write applies or buffers t's write of key.
func (s *txnStore) write(t *txnRun, key string, appendOp bool, v any) {
	if s.iso.dirty {
		cur, ok := s.overlay[key]
		if !ok {
			cur = s.latest(key)
		}
		if appendOp {
			s.overlay[key] = appendList(cur, v)
		} else {
			s.overlay[key] = v
		}
		if t.pendingFor(key) == nil {
			t.pending = append(t.pending, bufferedWrite{key: key})
		}
		return
	}
	p := t.pendingFor(key)
	if p == nil {
		t.pending = append(t.pending, bufferedWrite{key: key})
		p = &t.pending[len(t.pending)-1]
	}
	if appendOp {
		p.appended = append(p.appended, v)
	} else {
		p.value = v
	}
}

// certify says why t cannot commit ("" when it can); retried says that
// a conflict was overridden by a blind retry.
func (s *txnStore) certify(t *txnRun) (abort, why string, retried bool) {
	if s.iso.firstCommitterWins {
		for _, p := range t.pending {
			if c := s.lastCommit(p.key); c > t.snapshot {
				if s.iso.blindRetry {
					return "", fmt.Sprintf("txn #%d conflicts on %s (commit %d came after its snapshot %d) and is retried blindly", t.id, p.key, c, t.snapshot), true
				}
				return txnErrConflict, fmt.Sprintf("txn #%d aborts: %s was written by commit %d, after its snapshot %d (first committer wins)", t.id, p.key, c, t.snapshot), false
			}
		}
	}
	if s.iso.certifyReads {
		for _, m := range t.mops {
			key, _ := m.Key.(string)
			if m.F != history.MopRead || !t.read[key] {
				continue
			}
			if c := s.lastCommit(key); c > t.snapshot {
				return txnErrConflict, fmt.Sprintf("txn #%d aborts: it read %s, which commit %d changed after its snapshot %d", t.id, key, c, t.snapshot), false
			}
		}
	}
	return "", "", false
}

// commit installs t's writes as the next commit and returns the new
// versions, keyed, for the log on disk.
func (s *txnStore) commit(t *txnRun) (int64, []kvWrite) {
	s.seq++
	var out []kvWrite
	for _, p := range t.pending {
		var v any
		switch {
		case s.iso.dirty:
			v = s.overlay[p.key]
		case p.appended != nil:
			v = appendList(s.latest(p.key), p.appended...)
		default:
			v = p.value
		}
		s.install(p.key, s.seq, v)
		out = append(out, kvWrite{Key: p.key, Value: v})
	}
	s.release(t)
	return s.seq, out
}

func (s *txnStore) install(key string, seq int64, v any) {
	s.versions[key] = append(s.versions[key], kvVersion{Seq: seq, Value: v})
}

// release drops t's locks and undoes its writes in place (abort), or
// leaves them to the versions just installed (commit).
func (s *txnStore) release(t *txnRun) {
	for _, k := range t.locks {
		if s.lockedBy[k] == t {
			delete(s.lockedBy, k)
		}
	}
	if s.iso.dirty {
		for _, p := range t.pending {
			delete(s.overlay, p.key)
		}
	}
	t.locks = nil
}

// result is the completed transaction as the client records it: its
// micro-operations with the reads filled in.
func (t *txnRun) result() []any { return history.TxnValue(t.mops) }

// lockedKeys are the keys under a write lock now, sorted.
func (s *txnStore) lockedKeys() []string {
	var out []string
	for k := range s.lockedBy {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
