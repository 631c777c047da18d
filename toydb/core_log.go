package toydb

import (
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// Disk layout: "term", "vote", "snap" (the compacted prefix: the state
// machine and the sessions as of an index), "len" (the last log index) and
// one key per entry after the snapshot, "log/<index>". Keys past "len" are
// garbage from a truncation.

// session is what a client's last request did (§6.3): a copy of that
// request is answered from here instead of applied again.
type session struct {
	Seq    int64
	Result any
	Code   string
}

// snapshot is the state machine and the sessions as of Index, whose entry
// had Term.
type snapshot struct {
	Index, Term int64
	State       any
	Sessions    map[string]session
}

func logKey(i int64) string {
	if keys := logKeys(); i >= 0 && i < int64(len(keys)) {
		return keys[i]
	}
	return "log/" + strconv.FormatInt(i, 10)
}

// logKeys are the first entries' keys, made once, at the first append (not
// at start-up: a binary that runs no simulation never needs them): a node
// writes one on every append, and most nodes append fewer entries than
// this (keys go by the absolute index, which compaction does not reset).
var logKeys = sync.OnceValue(func() *[1024]string {
	var keys [1024]string
	for i := range keys {
		keys[i] = "log/" + strconv.Itoa(i)
	}
	return &keys
})

func (r *replica) lastIndex() int64 { return r.snap.Index + int64(len(r.log)) }

func (r *replica) lastTerm() int64 { return r.termAt(r.lastIndex()) }

// termAt is the term of the entry at index i: the snapshot's for its last
// index, -1 where the log does not say (compacted away, or beyond its end).
func (r *replica) termAt(i int64) int64 {
	switch {
	case i == r.snap.Index:
		return r.snap.Term
	case i < r.snap.Index || i > r.lastIndex():
		return -1
	}
	return r.log[i-r.snap.Index-1].Term
}

func (r *replica) entryAt(i int64) entry { return r.log[i-r.snap.Index-1] }

// recover loads the persistent state after a (re)start.
func (r *replica) recover(env *sim.Env) {
	d := env.Disk()
	sim.Load(d, "term", &r.term)
	if v, ok := d.Get("vote"); ok && r.p.Persist != ForgetVote {
		r.vote = v.(string)
	}
	r.appended, r.refused = map[string]int64{}, map[string]int64{}
	sim.Load(d, "appended", &r.appended)
	sim.Load(d, "refused", &r.refused)
	sim.Load(d, "snap", &r.snap)
	r.restore(r.snap)
	last := r.snap.Index
	sim.Load(d, "len", &last)
	r.log = make([]entry, 0, last-r.snap.Index)
	for i := r.snap.Index + 1; i <= last; i++ {
		v, _ := d.Get(logKey(i)) // "len" and the entries reach the disk together
		r.log = append(r.log, v.(entry))
	}
	r.fsynced = last
}

// restore resets the state machine and sessions to a snapshot's.
func (r *replica) restore(s snapshot) {
	r.m.Restore(s.State)
	r.sessions = maps.Clone(s.Sessions)
	if r.sessions == nil {
		r.sessions = map[string]session{}
	}
	r.commit, r.applied = s.Index, s.Index
}

// setTerm records a new term or vote (the vote only in memory under
// ForgetVote).
func (r *replica) setTerm(env *sim.Env, term int64, vote string) {
	if term == r.term && vote == r.vote {
		return
	}
	r.term, r.vote = term, vote
	env.Disk().Put("term", term)
	if r.p.Persist != ForgetVote {
		env.Disk().Put("vote", vote)
	}
}

// appendLog appends entries after index at, cutting anything beyond it.
func (r *replica) appendLog(env *sim.Env, at int64, entries []entry) {
	r.truncate(env, at)
	for _, e := range entries {
		r.log = append(r.log, e)
		env.Disk().Put(logKey(r.lastIndex()), e)
	}
	env.Disk().Put("len", r.lastIndex())
}

// truncate drops every entry after index at. Writes waiting there lose
// their place: they may still commit under another leader (info). In a
// correct design nothing committed is ever cut; a wrong one can, and then
// the state machine rolls back to what the log now says, as a primary's
// rollback does.
func (r *replica) truncate(env *sim.Env, at int64) {
	if at >= r.lastIndex() {
		return
	}
	for i := at + 1; i <= r.lastIndex() && !r.p.AckByIndex; i++ {
		if p, ok := r.pending[i]; ok {
			delete(r.pending, i)
			env.ReplyError(p.msg, history.ErrorSuperseded, false, r.leader)
		}
	}
	if at < r.commit {
		r.logf(env, "truncates its log from %d to %d: %d entries it had counted committed are gone", r.lastIndex(), at, r.commit-at)
		r.commit = at
	}
	// A fresh array: entries already sent share the old one (sendAppend).
	r.log = slices.Clone(r.log[:at-r.snap.Index])
	env.Disk().Put("len", at)
	if at < r.applied {
		r.rollback(at)
	}
}

// rollback rebuilds the state machine from the snapshot and the log up to
// index at.
func (r *replica) rollback(at int64) {
	r.restore(r.snap)
	for r.applied < at {
		r.applied++
		r.applyEntry(r.entryAt(r.applied))
	}
	r.commit = max(r.commit, at)
}

// compact folds the applied entries into the snapshot once there are
// CompactEvery of them, so that restarts and memory stay bounded.
func (r *replica) compact(env *sim.Env) {
	if r.applied-r.snap.Index < CompactEvery {
		return
	}
	s := snapshot{Index: r.applied, Term: r.termAt(r.applied), State: r.m.State(), Sessions: maps.Clone(r.sessions)}
	for i := r.snap.Index + 1; i <= s.Index; i++ {
		env.Disk().Delete(logKey(i))
	}
	r.log = slices.Clone(r.log[s.Index-r.snap.Index:])
	r.snap = s
	env.Disk().Put("snap", s)
}

// installSnapshot replaces the log's prefix up to s.Index, and the state
// machine, with a leader's snapshot. Entries after it are kept if the log
// agrees with the snapshot at its index.
func (r *replica) installSnapshot(env *sim.Env, s snapshot) {
	var keep []entry
	if r.termAt(s.Index) == s.Term && s.Index < r.lastIndex() {
		keep = slices.Clone(r.log[s.Index-r.snap.Index:])
	}
	for i := r.snap.Index + 1; i <= r.lastIndex(); i++ {
		env.Disk().Delete(logKey(i))
	}
	for k, e := range keep {
		env.Disk().Put(logKey(s.Index+1+int64(k)), e)
	}
	r.snap, r.log = s, keep
	env.Disk().Put("snap", s)
	env.Disk().Put("len", r.lastIndex())
	r.restore(s)
}

// sync makes every write so far durable, unless fsync is periodic.
func (r *replica) sync(env *sim.Env) {
	if r.p.Persist != SyncPeriodic && env.Disk().Unsynced() > 0 {
		env.Disk().Sync()
	}
	if r.p.Persist != SyncPeriodic {
		r.fsynced = r.lastIndex()
	}
}

// fsync is SyncPeriodic's background fsync.
func (r *replica) fsync(env *sim.Env) {
	if n := r.lastIndex() - r.fsynced; n > 0 {
		r.logf(env, "fsync: entries up to %d reach the disk (%d since the last fsync)", r.lastIndex(), n)
	}
	env.Disk().Sync()
	r.fsynced = r.lastIndex()
}
