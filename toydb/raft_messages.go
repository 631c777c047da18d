package toydb

import (
	"fmt"
	"strings"
)

// raftVote is RequestVote: a candidate asks for a vote in its term.
type raftVote struct {
	Term      int64
	LastIndex int64
	LastTerm  int64
}

func (raftVote) Type() string { return "request-vote" }
func (v raftVote) String() string {
	return fmt.Sprintf("request-vote t%d last %d/t%d", v.Term, v.LastIndex, v.LastTerm)
}

type raftVoteReply struct {
	Term    int64
	Granted bool
}

func (raftVoteReply) Type() string { return "request-vote-reply" }
func (v raftVoteReply) String() string {
	if v.Granted {
		return fmt.Sprintf("vote granted t%d", v.Term)
	}
	return fmt.Sprintf("vote refused t%d", v.Term)
}

// raftAppend is AppendEntries; with no entries it is a heartbeat. Round
// numbers the leader's heartbeat rounds, which confirm reads.
type raftAppend struct {
	Term      int64
	PrevIndex int64
	PrevTerm  int64
	Entries   []raftEntry
	Commit    int64
	Round     int64
}

func (raftAppend) Type() string { return "append-entries" }
func (a raftAppend) String() string {
	var es []string
	for _, e := range a.Entries {
		es = append(es, e.String())
	}
	return fmt.Sprintf("append-entries t%d prev %d/t%d [%s] commit %d round %d",
		a.Term, a.PrevIndex, a.PrevTerm, strings.Join(es, ", "), a.Commit, a.Round)
}

// raftAppendReply answers AppendEntries. On success Match is the index of
// the last entry the follower now shares with the leader; on failure Next
// is where the leader should try again.
type raftAppendReply struct {
	Term    int64
	Success bool
	Match   int64
	Next    int64
	Round   int64
}

func (raftAppendReply) Type() string { return "append-entries-reply" }
func (r raftAppendReply) String() string {
	if r.Success {
		return fmt.Sprintf("append ok t%d match %d round %d", r.Term, r.Match, r.Round)
	}
	return fmt.Sprintf("append refused t%d retry at %d round %d", r.Term, r.Next, r.Round)
}
