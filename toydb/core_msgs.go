package toydb

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// entry is one log entry: the term of the leader that appended it, the
// client's operation (F "" is the no-op a new leader appends), and the
// request's identity for sessions: the client and its request id.
type entry struct {
	Term   int64
	Op     sim.Request
	Client string
	Seq    int64
}

// Clone copies the entry for the disk (sim.Cloner): a node stores one on
// every write.
func (e entry) Clone() any {
	e.Op = e.Op.Clone()
	return e
}

// The disk copies these by their Clone; were one's receiver a pointer, Put
// would fall back to reflection without a word.
var _, _, _ sim.Cloner = entry{}, txnOutcome{}, txnCommit{}

func (e entry) String() string {
	if e.Op.F == "" {
		return fmt.Sprintf("t%d no-op", e.Term)
	}
	return fmt.Sprintf("t%d %s", e.Term, sim.ClientRequest{Request: e.Op})
}

// voteReq is RequestVote: a candidate asks for a vote in its term.
type voteReq struct{ Term, LastIndex, LastTerm int64 }

func (voteReq) Type() string { return "request-vote" }
func (v voteReq) String() string {
	return fmt.Sprintf("request-vote t%d last %d/t%d", v.Term, v.LastIndex, v.LastTerm)
}

type voteReply struct {
	Term    int64
	Granted bool
}

func (voteReply) Type() string { return "vote" }
func (v voteReply) String() string {
	return fmt.Sprintf("vote %s t%d", map[bool]string{true: "granted", false: "refused"}[v.Granted], v.Term)
}

// appendReq is AppendEntries; with no entries it is a heartbeat. Round
// numbers the leader's broadcasts: an answer to round r shows the sender
// still led when it sent r (read index, leases). ISR is the in-sync set
// the leader counts, for the followers' view.
type appendReq struct {
	Term      int64
	PrevIndex int64
	PrevTerm  int64
	Entries   []entry
	Commit    int64
	Round     int64
	ISR       []string
}

func (appendReq) Type() string { return "append-entries" }
func (a appendReq) String() string {
	es := make([]string, len(a.Entries))
	for i, e := range a.Entries {
		es[i] = e.String()
	}
	s := fmt.Sprintf("append-entries t%d prev %d/t%d [%s] commit %d round %d",
		a.Term, a.PrevIndex, a.PrevTerm, strings.Join(es, ", "), a.Commit, a.Round)
	if a.ISR != nil {
		s += " isr " + strings.Join(a.ISR, " ")
	}
	return s
}

// appendReply answers AppendEntries or InstallSnapshot. On success Match
// is the last index the follower shares with the leader; on failure Next
// is where the leader should try again (0: send a snapshot).
type appendReply struct {
	Term    int64
	Success bool
	Match   int64
	Next    int64
	Round   int64
}

func (appendReply) Type() string { return "append-ack" }
func (r appendReply) String() string {
	switch {
	case r.Success:
		return fmt.Sprintf("append ok t%d match %d round %d", r.Term, r.Match, r.Round)
	case r.Next == 0:
		return fmt.Sprintf("append refused t%d: send a snapshot", r.Term)
	}
	return fmt.Sprintf("append refused t%d retry at %d round %d", r.Term, r.Next, r.Round)
}

// snapshotReq is InstallSnapshot: the leader's state machine as of Index,
// for a follower whose log lacks entries the leader has compacted.
type snapshotReq struct {
	Term  int64
	Snap  snapshot
	Round int64
}

func (snapshotReq) Type() string { return "install-snapshot" }
func (s snapshotReq) String() string {
	return fmt.Sprintf("install-snapshot t%d up to %d/t%d round %d", s.Term, s.Snap.Index, s.Snap.Term, s.Round)
}

// hello is the ping of the lowest-id rule: "I am here".
type hello struct{}

func (hello) Type() string   { return "hello" }
func (hello) String() string { return "hello" }

// tick is the core's timer tags.
type tick string

const (
	tickBeat     tick = "heartbeat" // every Timing.HeartbeatNs
	tickElection tick = "election"  // the election deadline may have passed
	tickRelease  tick = "release"   // held requests wait no longer
	tickFsync    tick = "fsync"     // the background fsync
)
