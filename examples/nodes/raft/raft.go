package main

import (
	"log"
	"math/rand/v2"
	"time"

	"github.com/faultline-lab/faultline/examples/nodes/mnode"
)

type role int

const (
	follower role = iota
	candidate
	leader
)

const (
	heartbeat   = 50 * time.Millisecond
	electionMin = 300 * time.Millisecond
	maxBatch    = 200 // entries per AppendEntries
)

// noVote stands in votedFor for a term this node may have voted in before
// it lost its memory: it votes in no such term again.
const noVote = "-"

// answer is what a node said of itself to one recovering.
type answer struct {
	term       int64
	recovering bool
	whole      bool     // it is synced: its memory is whole
	last       [2]int64 // its log's last term and index
}

type raft struct {
	node *mnode.Node

	// recovering: the node has not yet learned the current term from a
	// majority; it answers no Raft message. synced: a leader has copied
	// it its whole log, so it may vote and stand for election.
	recovering, synced bool
	answers            map[string]answer // recovering: what each node said of itself
	// floor is the most up-to-date log (last term, last index) among those
	// answers: until synced, the node votes only for a candidate whose log
	// is at least as up-to-date, as the node it stands in for would have.
	floor [2]int64

	term     int64
	votedFor string
	role     role
	leaderID string
	votes    map[string]bool
	log      []entry // log[0] is a sentinel
	commit   int64
	applied  int64
	next     map[string]int64
	match    map[string]int64
	// born tells this process from an earlier one of the same node (which
	// may have acknowledged entries this one lost); incarnation is the
	// latest the leader has heard of from each peer.
	born        int64
	incarnation map[string]int64
	deadline    time.Time // of the election timeout
	lastBeat    time.Time
	heard       time.Time // from the leader, last

	data     map[string]any
	answered map[string]map[string]any // client/msg_id → the result applied
	appended map[string]bool           // requests this node appended as leader
	forwards map[string]int            // requests this node forwarded, and how often
	waiting  map[string][]func(map[string]any)
}

func newRaft(n *mnode.Node) *raft {
	r := &raft{node: n, recovering: true, born: time.Now().UnixNano(), incarnation: map[string]int64{}, answers: map[string]answer{}, log: []entry{{}},
		data: map[string]any{}, answered: map[string]map[string]any{}, appended: map[string]bool{},
		forwards: map[string]int{}, waiting: map[string][]func(map[string]any){}}
	for _, t := range []string{"read", "write", "cas"} {
		n.Handle(t, r.client)
	}
	n.Handle("forward", r.forwarded)
	n.Handle("term_query", r.termQuery)
	n.Handle("term_is", r.termIs)
	n.Handle("request_vote", r.requestVote)
	n.Handle("vote", r.vote)
	n.Handle("append_entries", r.appendEntries)
	n.Handle("append_reply", r.appendReply)
	n.Handle("init", func(mnode.Msg) { r.resetDeadline(); r.askTerms() })
	n.Every(10*time.Millisecond, r.tick)
	return r
}

func (r *raft) peers() []string {
	var out []string
	for _, id := range r.node.IDs {
		if id != r.node.ID {
			out = append(out, id)
		}
	}
	return out
}

func (r *raft) majority() int { return len(r.node.IDs)/2 + 1 }

func (r *raft) lastIndex() int64 { return int64(len(r.log) - 1) }

func (r *raft) resetDeadline() {
	r.deadline = time.Now().Add(electionMin + rand.N(electionMin))
}

func (r *raft) tick() {
	if r.node.ID == "" {
		return
	}
	now := time.Now()
	switch {
	case r.recovering:
		if now.Sub(r.lastBeat) >= 100*time.Millisecond {
			r.askTerms()
		}
	case r.role == leader:
		if now.Sub(r.lastBeat) >= heartbeat {
			r.replicate()
		}
	case r.synced && now.After(r.deadline):
		r.campaign()
	}
}

// askTerms asks every other node its term (a node that starts has lost
// its memory, if it had any).
func (r *raft) askTerms() {
	r.lastBeat = time.Now()
	if len(r.node.IDs) <= 2 {
		r.recovered(0, [2]int64{}, true) // no majority of others to ask
		return
	}
	for _, p := range r.peers() {
		r.node.Send(p, map[string]any{"type": "term_query"})
	}
}

func (r *raft) termQuery(m mnode.Msg) {
	r.node.Send(m.Src, map[string]any{"type": "term_is", "term": r.term, "recovering": r.recovering,
		"synced": r.synced, "last_term": r.log[r.lastIndex()].Term, "last_index": r.lastIndex()})
}

// termIs counts an answer. Once a majority of the others have answered
// that hold their whole memory (they are synced), the highest term heard
// is at least any in which this node voted before it lost its memory
// (those who voted with it in that term are among the others, and any
// majority of the others includes one of them), and the most up-to-date
// of their logs holds every committed entry (by the same count). If a
// majority of all nodes is just starting (recovering, in term 0), or the
// highest term is 0, the cluster is starting: there is nothing to lose.
func (r *raft) termIs(m mnode.Msg) {
	var b struct {
		Term       int64 `json:"term"`
		Recovering bool  `json:"recovering"`
		Synced     bool  `json:"synced"`
		LastTerm   int64 `json:"last_term"`
		LastIndex  int64 `json:"last_index"`
	}
	if !r.recovering || m.Decode(&b) != nil {
		return
	}
	r.answers[m.Src] = answer{b.Term, b.Recovering, b.Synced && !b.Recovering, [2]int64{b.LastTerm, b.LastIndex}}
	var whole, starting int
	var maxTerm int64
	var floor [2]int64
	for _, a := range r.answers {
		maxTerm = max(maxTerm, a.term)
		if a.recovering && a.term == 0 {
			starting++
		}
		if a.whole {
			whole++
			if upToDate(a.last, floor) {
				floor = a.last
			}
		}
	}
	switch {
	case whole >= r.majority():
		r.recovered(maxTerm, floor, maxTerm == 0) // term 0: no vote yet, nothing committed
	case starting+1 >= r.majority():
		r.recovered(0, floor, true)
	}
}

func (r *raft) recovered(term int64, floor [2]int64, start bool) {
	log.Printf("recovered: term %d, start %v", term, start)
	r.recovering, r.synced = false, start
	if !start {
		r.term, r.votedFor, r.floor = term, noVote, floor
	}
	r.resetDeadline()
}

func (r *raft) stepDown(term int64) {
	if term > r.term {
		r.term, r.votedFor, r.leaderID = term, "", ""
	}
	if r.role != follower {
		r.role = follower
		r.resetDeadline()
	}
}

func (r *raft) campaign() {
	r.term++
	log.Printf("campaigning in term %d", r.term)
	r.role, r.votedFor, r.leaderID = candidate, r.node.ID, ""
	r.votes = map[string]bool{r.node.ID: true}
	r.resetDeadline()
	for _, p := range r.peers() {
		r.node.Send(p, map[string]any{"type": "request_vote", "term": r.term, "candidate": r.node.ID,
			"last_log_index": r.lastIndex(), "last_log_term": r.log[r.lastIndex()].Term})
	}
	r.maybeWin()
}

func (r *raft) requestVote(m mnode.Msg) {
	var b struct {
		Term      int64  `json:"term"`
		Candidate string `json:"candidate"`
		LastIndex int64  `json:"last_log_index"`
		LastTerm  int64  `json:"last_log_term"`
	}
	if r.recovering || m.Decode(&b) != nil {
		return
	}
	if r.role != leader && r.leaderID != "" && time.Since(r.heard) < electionMin {
		return // the leader is alive: a candidate cut off from it must not depose it
	}
	if b.Term > r.term {
		r.stepDown(b.Term)
	}
	theirs := [2]int64{b.LastTerm, b.LastIndex}
	ok := upToDate(theirs, [2]int64{r.log[r.lastIndex()].Term, r.lastIndex()}) && (r.synced || upToDate(theirs, r.floor))
	granted := ok && b.Term == r.term && (r.votedFor == "" || r.votedFor == b.Candidate)
	if granted {
		r.votedFor = b.Candidate
		r.resetDeadline()
	}
	r.node.Send(m.Src, map[string]any{"type": "vote", "term": r.term, "granted": granted})
}

func (r *raft) vote(m mnode.Msg) {
	var b struct {
		Term    int64 `json:"term"`
		Granted bool  `json:"granted"`
	}
	if r.recovering || m.Decode(&b) != nil {
		return
	}
	if b.Term > r.term {
		r.stepDown(b.Term)
		return
	}
	if r.role == candidate && b.Term == r.term && b.Granted {
		r.votes[m.Src] = true
		r.maybeWin()
	}
}

func (r *raft) maybeWin() {
	if len(r.votes) < r.majority() {
		return
	}
	r.role, r.leaderID = leader, r.node.ID
	log.Printf("leader in term %d", r.term)
	r.next, r.match = map[string]int64{}, map[string]int64{}
	for _, p := range r.peers() {
		r.next[p] = r.lastIndex() + 1
	}
	r.log = append(r.log, entry{Term: r.term}) // a no-op commits what earlier terms left
	r.replicate()
}

// replicate sends every peer the entries it lacks (or a heartbeat).
func (r *raft) replicate() {
	r.lastBeat = time.Now()
	for _, p := range r.peers() {
		prev := r.next[p] - 1
		end := min(r.lastIndex(), prev+maxBatch)
		r.node.Send(p, map[string]any{"type": "append_entries", "term": r.term, "leader": r.node.ID,
			"prev_index": prev, "prev_term": r.log[prev].Term, "entries": r.log[prev+1 : end+1],
			"leader_commit": r.commit, "leader_last": r.lastIndex()})
	}
	r.advance()
}

func (r *raft) appendEntries(m mnode.Msg) {
	var b struct {
		Term       int64   `json:"term"`
		Leader     string  `json:"leader"`
		PrevIndex  int64   `json:"prev_index"`
		PrevTerm   int64   `json:"prev_term"`
		Entries    []entry `json:"entries"`
		Commit     int64   `json:"leader_commit"`
		LeaderLast int64   `json:"leader_last"`
	}
	if r.recovering || m.Decode(&b) != nil {
		return
	}
	reply := map[string]any{"type": "append_reply", "term": r.term, "success": false, "born": r.born}
	if b.Term < r.term {
		r.node.Send(m.Src, reply)
		return
	}
	r.stepDown(b.Term)
	r.leaderID, r.heard = b.Leader, time.Now()
	r.resetDeadline()
	reply["term"] = r.term
	if b.PrevIndex > r.lastIndex() || r.log[b.PrevIndex].Term != b.PrevTerm {
		hint := min(b.PrevIndex, r.lastIndex()+1)
		if hint <= r.lastIndex() {
			for t := r.log[hint].Term; hint > 1 && r.log[hint-1].Term == t; hint-- {
			}
		}
		reply["hint"] = max(hint, 1)
		r.node.Send(m.Src, reply)
		return
	}
	for i, e := range b.Entries {
		idx := b.PrevIndex + 1 + int64(i)
		if idx <= r.lastIndex() {
			if r.log[idx].Term == e.Term {
				continue
			}
			r.log = r.log[:idx]
		}
		r.log = append(r.log, e)
	}
	last := b.PrevIndex + int64(len(b.Entries))
	if last >= b.LeaderLast {
		r.synced = true
	}
	if c := min(b.Commit, last); c > r.commit {
		r.commit = c
		r.apply()
	}
	reply["success"], reply["match"] = true, last
	r.node.Send(m.Src, reply)
}

func (r *raft) appendReply(m mnode.Msg) {
	var b struct {
		Term    int64 `json:"term"`
		Success bool  `json:"success"`
		Match   int64 `json:"match"`
		Hint    int64 `json:"hint"`
		Born    int64 `json:"born"`
	}
	if r.recovering || m.Decode(&b) != nil {
		return
	}
	if b.Term > r.term {
		r.stepDown(b.Term)
		return
	}
	if r.role != leader || b.Term != r.term || b.Born < r.incarnation[m.Src] {
		return
	}
	if b.Born > r.incarnation[m.Src] { // restarted: what it held is gone
		r.incarnation[m.Src], r.match[m.Src] = b.Born, 0
	}
	if b.Success {
		r.match[m.Src] = max(r.match[m.Src], b.Match)
		r.next[m.Src] = max(r.next[m.Src], b.Match+1)
		r.advance()
		return
	}
	r.next[m.Src] = max(r.match[m.Src]+1, min(b.Hint, r.next[m.Src]-1), 1)
}

// advance commits the highest entry of this term a majority holds.
func (r *raft) advance() {
	for n := r.lastIndex(); n > r.commit && r.log[n].Term == r.term; n-- {
		count := 1
		for _, p := range r.peers() {
			if r.match[p] >= n {
				count++
			}
		}
		if count >= r.majority() {
			r.commit = n
			r.apply()
			return
		}
	}
}

// upToDate says whether a log ending at a (last term, last index) is at
// least as up-to-date as one ending at b.
func upToDate(a, b [2]int64) bool { return a[0] > b[0] || a[0] == b[0] && a[1] >= b[1] }
