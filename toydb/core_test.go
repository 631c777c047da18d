package toydb

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/sim/simtest"
)

// These tests drive the core one message and one timer at a time on a fake
// network (sim/simtest), one policy switch each.

var three = []string{"n1", "n2", "n3"}

func newCluster(p Policy, ids ...string) *simtest.Cluster {
	return simtest.New(NewCore(p), ids...)
}

func rep(c *simtest.Cluster, id string) *replica { return c.Node(id).(*replica) }

// cut drops every message between the two sides.
func cut(side ...string) func(sim.Message) bool {
	in := map[string]bool{}
	for _, id := range side {
		in[id] = true
	}
	return func(m sim.Message) bool { return in[m.Src] != in[m.Dest] }
}

func leaders(c *simtest.Cluster, ids ...string) []string {
	var out []string
	for _, id := range ids {
		if n, ok := c.Node(id).(*replica); ok && n != nil && n.isLeader() {
			out = append(out, id)
		}
	}
	return out
}

func write(c *simtest.Cluster, node string, reqID int64, v any) []sim.ClientReply {
	c.Request("c1", node, reqID, sim.Request{F: "write", Value: v})
	return c.Replies("c1")
}

// --- election rule ---

func TestElectMajorityElectsOneLeaderAndVotesOncePerTerm(t *testing.T) {
	t.Parallel()
	c := newCluster(correct(NewKV), three...)
	run(c, 2_000_000_000, nil)
	ls := leaders(c, three...)
	if len(ls) != 1 {
		t.Fatalf("leaders %v, want one", ls)
	}
	// A follower that heard its leader lately ignores a candidate (§4.2.3).
	v := rep(c, "n2")
	v.Handle(c.Env("n2"), sim.Message{Src: "n3", Dest: "n2", Body: voteReq{Term: 99, LastIndex: 100, LastTerm: 98}})
	if got := c.Take(func(m sim.Message) bool { return m.Src == "n2" && m.Dest == "n3" }); len(got) != 0 {
		t.Fatalf("a follower with a live leader answered a candidate: %v", got)
	}
	// A voter grants one vote per term: the second candidate of term 99 is refused.
	v.leaderAt -= CoreElectionMaxNs
	for i, cand := range []string{"n1", "n3"} {
		v.Handle(c.Env("n2"), sim.Message{Src: cand, Dest: "n2", Body: voteReq{Term: 99, LastIndex: 100, LastTerm: 98}})
		got := c.Take(func(m sim.Message) bool { return m.Src == "n2" && m.Dest == cand })
		if r := got[len(got)-1].Body.(voteReply); r.Granted != (i == 0) {
			t.Errorf("vote for %s in term 99: granted %v", cand, r.Granted)
		}
	}
}

func TestElectionRestrictionRefusesAStaleLog(t *testing.T) {
	t.Parallel()
	for _, rule := range []ElectionRule{ElectMajority, ElectAnyLog} {
		p := correct(NewKV)
		p.Election = rule
		c := newCluster(p, three...)
		run(c, 2_000_000_000, nil)
		l := leaders(c, three...)[0]
		write(c, l, 1, int64(1))
		run(c, 100_000_000, nil)
		voter := rep(c, l)
		voter.becomeFollower(c.Env(l), voter.term, "")
		last := voter.lastIndex()
		voter.Handle(c.Env(l), sim.Message{Src: "x", Dest: l, Body: voteReq{Term: voter.term + 1, LastIndex: last - 1, LastTerm: voter.lastTerm()}})
		got := c.Take(func(m sim.Message) bool { return m.Dest == "x" })
		if granted := got[0].Body.(voteReply).Granted; granted != (rule == ElectAnyLog) {
			t.Errorf("rule %d: a candidate missing an entry was granted %v", rule, granted)
		}
	}
}

// hearsMajority counts each peer by its own slot of heardAt (slots go by
// node position, this node's included and unread): from every node, one
// fresh peer of three makes a majority, whichever it is, and none does not,
// though this node's own slot is fresh (as Start leaves it).
func TestHearsMajorityCountsEachPeerByItsSlot(t *testing.T) {
	t.Parallel()
	const window = 100
	for self, id := range three {
		for fresh := -1; fresh < len(three); fresh++ {
			if fresh == self {
				continue
			}
			c := newCluster(correct(NewKV), three...)
			c.Now = 1_000_000
			r := rep(c, id)
			for i := range r.heardAt {
				r.heardAt[i] = c.Now - 10*window // stale
			}
			r.heardAt[self] = c.Now // never counted: this node counts once, as itself
			if fresh >= 0 {
				r.heardAt[fresh] = c.Now
			}
			if got, want := r.hearsMajority(c.Env(id), window), fresh >= 0; got != want {
				t.Errorf("%s, fresh peer %d: hearsMajority = %v, want %v", id, fresh, got, want)
			}
		}
	}
}

func TestLowestIDLeadsOnEachSideOfAPartition(t *testing.T) {
	t.Parallel()
	p := correct(NewKV)
	p.Election, p.Commit, p.Read, p.CheckQuorum = ElectLowestID, CommitLeader, ReadLeaderLocal, false
	c := newCluster(p, three...)
	run(c, 500_000_000, nil)
	if ls := leaders(c, three...); len(ls) != 1 || ls[0] != "n1" {
		t.Fatalf("leaders %v, want n1", ls)
	}
	run(c, 1_000_000_000, cut("n1"))
	if ls := leaders(c, three...); len(ls) != 2 {
		t.Fatalf("cut off, leaders %v: want one on each side", ls)
	}
	if t1, t2 := rep(c, "n1").term, rep(c, "n2").term; t1 == t2 {
		t.Errorf("two leaders share term %d", t1)
	}
}

func TestFixedPrimaryStartsANewTermOnEveryBoot(t *testing.T) {
	t.Parallel()
	c := newCluster(Policy{Election: ElectFixed, Commit: CommitLeader, Read: ReadLeaderLocal, Machine: NewKV}, three...)
	before := rep(c, "n1").term
	c.Crash("n1")
	c.Restart("n1")
	if n := rep(c, "n1"); !n.isLeader() || n.term != before+1 {
		t.Fatalf("after a restart n1 leads %v in term %d, want a leader in term %d", n.isLeader(), n.term, before+1)
	}
}

// --- commit rule ---

func TestCommitMajorityWaitsForAMajority(t *testing.T) {
	t.Parallel()
	c := newCluster(correct(NewKV), three...)
	run(c, 2_000_000_000, nil)
	l := leaders(c, three...)[0]
	alone := cut(l)
	c.Request("c1", l, 1, sim.Request{F: "write", Value: int64(7)})
	run(c, 100_000_000, alone)
	if r := c.Replies("c1"); len(r) != 0 {
		t.Fatalf("a write acknowledged with no follower's copy: %v", r)
	}
	run(c, 100_000_000, nil)
	if r := c.Replies("c1"); len(r) != 1 || !r[0].OK {
		t.Fatalf("once a majority holds it: %v", r)
	}
}

func TestCommitLeaderAcknowledgesAtOnce(t *testing.T) {
	t.Parallel()
	p := correct(NewKV)
	p.Commit = CommitLeader
	c := newCluster(p, three...)
	run(c, 2_000_000_000, nil)
	l := leaders(c, three...)[0]
	if r := write(c, l, 1, int64(7)); len(r) != 1 || !r[0].OK {
		t.Fatalf("CommitLeader: %v", r)
	}
}

// A leader never commits an entry of an earlier term by counting copies
// (Figure 8): it commits only once an entry of its own term is on a majority.
func TestCommitMajorityCountsOnlyItsOwnTerm(t *testing.T) {
	t.Parallel()
	c := newCluster(correct(NewKV), three...)
	run(c, 2_000_000_000, nil)
	l := rep(c, leaders(c, three...)[0])
	l.appendLog(c.Env(l.id), l.lastIndex(), []entry{{Term: l.term - 1, Op: sim.Request{F: "write", Value: int64(1)}}})
	for p := range l.match {
		l.match[p] = l.lastIndex()
	}
	commit := l.commit
	l.advanceCommit(c.Env(l.id))
	if l.commit != commit {
		t.Fatalf("committed an earlier term's entry by counting: %d → %d", commit, l.commit)
	}
}

// --- read path ---

func TestReadPaths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		read         ReadPath
		follower     bool // a follower answers reads itself
		leaderAtOnce bool // the leader answers without a round
	}{
		{ReadIndex, false, false},
		{ReadLeaderLocal, false, true},
		{ReadAnyNode, true, true},
	} {
		p := correct(NewKV)
		p.Read, p.Redirect = tc.read, true
		c := newCluster(p, three...)
		run(c, 2_000_000_000, nil)
		l := leaders(c, three...)[0]
		f := "n1"
		if l == f {
			f = "n2"
		}
		c.Request("c1", l, 1, sim.Request{F: "read"})
		if got := len(c.Replies("c1")) == 1; got != tc.leaderAtOnce {
			t.Errorf("read path %d: leader answered at once %v", tc.read, got)
		}
		c.Request("c1", f, 2, sim.Request{F: "read"})
		r := c.Replies("c1")
		if got := len(r) == 1 && r[0].OK; got != tc.follower {
			t.Errorf("read path %d: follower answered itself %v (%v)", tc.read, got, r)
		}
	}
}

// A lease read is served locally while the lease lasts by the leader's
// clock; a clock that jumps ahead ends it.
func TestLeaseReadsFollowTheWallClock(t *testing.T) {
	t.Parallel()
	p := correct(NewKV)
	p.Read = ReadLease
	c := newCluster(p, three...)
	run(c, 2_000_000_000, nil)
	l := leaders(c, three...)[0]
	run(c, 20_000_000, nil)
	c.Request("c1", l, 1, sim.Request{F: "read"})
	if r := c.Replies("c1"); len(r) != 1 {
		t.Fatalf("within its lease the leader did not answer at once: %v", r)
	}
	c.Skew[l] = CoreLeaseNs
	c.Request("c1", l, 2, sim.Request{F: "read"})
	if r := c.Replies("c1"); len(r) != 0 {
		t.Fatalf("past its lease by its clock, the leader still answered at once: %v", r)
	}
}

// --- ack rule ---

func TestAWriteThatLostItsPlaceIsNotAcknowledged(t *testing.T) {
	t.Parallel()
	for _, ackByIndex := range []bool{false, true} {
		p := correct(NewKV)
		p.AckByIndex = ackByIndex
		c := newCluster(p, three...)
		run(c, 2_000_000_000, nil)
		l := rep(c, leaders(c, three...)[0])
		env := c.Env(l.id)
		c.Request("c1", l.id, 1, sim.Request{F: "write", Value: int64(5)})
		i := l.lastIndex()
		// A newer leader's entry takes the index; this node learns it commits.
		l.becomeFollower(env, l.term+1, "nx")
		l.appendLog(env, i-1, []entry{{Term: l.term, Op: sim.Request{F: "write", Value: int64(6)}}})
		l.commit = i
		l.apply(env)
		r := c.Replies("c1")
		if len(r) != 1 || r[0].OK != ackByIndex || (!ackByIndex && !r[0].Indefinite) {
			t.Errorf("ack by index %v: reply %+v", ackByIndex, r)
		}
	}
}

// --- in-sync set ---

func TestInSyncSetShrinksAndMinInSyncRefuses(t *testing.T) {
	t.Parallel()
	for _, min := range []int{1, 0} {
		p := Policy{Election: ElectMajority, Commit: CommitInSync, MinInSync: min, Sessions: true, Machine: NewQueue}
		c := newCluster(p, three...)
		run(c, 2_000_000_000, nil)
		l := leaders(c, three...)[0]
		run(c, 500_000_000, cut(l))
		if isr := rep(c, l).isr; len(isr) != 1 {
			t.Fatalf("min %d: cut off, the in-sync set is %v", min, isr)
		}
		c.Request("c1", l, 1, sim.Request{F: "enqueue", Value: int64(1)})
		r := c.Replies("c1")
		switch {
		case min == 1 && (len(r) != 1 || !r[0].OK):
			t.Errorf("min.insync 1: the leader alone should acknowledge: %v", r)
		case min == 0 && (len(r) != 1 || r[0].Code != history.ErrorNotEnoughReplicas || r[0].Indefinite):
			t.Errorf("min.insync a majority: want a definite not-enough-replicas: %v", r)
		}
	}
}

// --- persistence ---

func TestPersistenceAcrossACrash(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		persist  Persistence
		keepVote bool
	}{{SyncAlways, true}, {ForgetVote, false}} {
		p := correct(NewKV)
		p.Persist = tc.persist
		c := newCluster(p, three...)
		n := rep(c, "n2")
		n.leaderAt -= CoreElectionMaxNs
		n.Handle(c.Env("n2"), sim.Message{Src: "n3", Dest: "n2", Body: voteReq{Term: 5}})
		n.sync(c.Env("n2"))
		c.Crash("n2")
		c.Restart("n2")
		if got := rep(c, "n2").vote == "n3"; got != tc.keepVote {
			t.Errorf("persistence %d: vote kept across a crash %v", tc.persist, got)
		}
	}
}

func TestSyncPeriodicLosesWhatWasNotFsynced(t *testing.T) {
	t.Parallel()
	p := Policy{Election: ElectFixed, Commit: CommitLeader, Read: ReadLeaderLocal, Persist: SyncPeriodic, Machine: NewKV}
	c := newCluster(p, "n1")
	if r := write(c, "n1", 1, int64(1)); len(r) != 1 || !r[0].OK {
		t.Fatal(r)
	}
	c.Advance(FsyncIntervalNs)
	write(c, "n1", 2, int64(2))
	c.Crash("n1")
	c.Restart("n1")
	c.Request("c1", "n1", 3, sim.Request{F: "read"})
	if r := c.Replies("c1"); len(r) != 1 || r[0].Value != int64(1) {
		t.Fatalf("after a crash, read %v: want 1, the last fsynced write", r)
	}
}

// --- sessions ---

// Two copies of one request (a retry, or a forward the network
// duplicated) reach the leader before either commits: with sessions the
// state machine applies it once and answers the copy from its record.
func TestSessionsApplyACopyOnce(t *testing.T) {
	t.Parallel()
	for _, sessions := range []bool{true, false} {
		p := correct(NewQueue)
		p.Sessions = sessions
		c := newCluster(p, three...)
		run(c, 2_000_000_000, nil)
		l := leaders(c, three...)[0]
		for range 2 {
			c.Request("c1", l, 7, sim.Request{F: "enqueue", Value: int64(1)})
		}
		run(c, 100_000_000, nil)
		if r := c.Replies("c1"); len(r) != 2 || !r[0].OK || !r[1].OK {
			t.Fatalf("sessions %v: replies %v", sessions, r)
		}
		c.Request("c1", l, 8, sim.Request{F: "drain"})
		run(c, 100_000_000, nil)
		r := c.Replies("c1")
		if want := map[bool]int{true: 1, false: 2}[sessions]; len(r) != 1 || len(r[0].Value.([]any)) != want {
			t.Errorf("sessions %v: drained %v, want %d copies", sessions, r, want)
		}
	}
}

// A follower forwards a request to the leader, and the network delivers
// the forward twice: the copy that arrives after the leader stepped down
// gets no definite failure, for the first copy is in its log and may
// commit. A forward it never appended may be refused definitely.
func TestAForwardedCopyIsNeverFailedDefinitely(t *testing.T) {
	t.Parallel()
	c := newCluster(correct(NewKV), three...)
	run(c, 2_000_000_000, nil)
	l := rep(c, leaders(c, three...)[0])
	fwd := func(reqID int64) []sim.ClientReply {
		req := sim.ClientRequest{MsgID: reqID, ReqID: reqID, Request: sim.Request{F: "write", Value: reqID}}
		c.Deliver(sim.Message{Src: "n9", Dest: l.id, Body: Forwarded{Client: "c1", Req: req}})
		return c.Replies("c1")
	}
	fwd(1) // appended, waiting for a majority
	l.becomeFollower(c.Env(l.id), l.term+1, "")
	if r := fwd(1); len(r) != 1 || r[0].OK || !r[0].Indefinite {
		t.Fatalf("a copy of a request in the log: %+v", r)
	}
	if r := fwd(2); len(r) != 1 || r[0].OK || r[0].Indefinite {
		t.Fatalf("a request never appended here: %+v", r)
	}
	// A later copy of the forward it refused stays refused, even once it
	// leads again and hears a majority: the first answer must stay true.
	l.becomeLeader(c.Env(l.id))
	run(c, 200_000_000, nil)
	c.Replies("c1") // request 1 commits meanwhile
	if r := fwd(2); len(r) != 1 || r[0].OK || r[0].Indefinite {
		t.Fatalf("a copy of a refused forward: %+v", r)
	}
	for i := l.snap.Index + 1; i <= l.lastIndex(); i++ {
		if e := l.entryAt(i); e.Seq == 2 {
			t.Fatalf("a copy of a refused forward was appended at %d", i)
		}
	}
}

// --- snapshots ---

func TestCompactionBoundsTheLogAndARestartRecovers(t *testing.T) {
	t.Parallel()
	c := newCluster(correct(NewKV), three...)
	run(c, 2_000_000_000, nil)
	l := leaders(c, three...)[0]
	for i := int64(1); i <= 2*CompactEvery; i++ {
		c.Request("c1", l, i, sim.Request{F: "write", Value: i})
		c.Flush(nil, 1000)
		c.Replies("c1")
	}
	run(c, 100_000_000, nil)
	for _, id := range three {
		if n := rep(c, id); len(n.log) >= CompactEvery+10 || n.snap.Index == 0 {
			t.Errorf("%s: %d entries in the log after a snapshot at %d", id, len(n.log), n.snap.Index)
		}
	}
	f := "n1"
	if f == l {
		f = "n2"
	}
	c.Crash(f)
	c.Restart(f)
	if v := rep(c, f).m.(*kvMachine).kv[""]; v == nil {
		t.Fatal("a restarted follower lost its snapshot")
	}
	// A follower far behind gets the leader's state in one message.
	c.Crash(f)
	for i := int64(1); i <= CompactEvery+5; i++ {
		c.Request("c1", l, 10_000+i, sim.Request{F: "write", Value: 10_000 + i})
		c.Flush(nil, 1000)
	}
	c.Restart(f)
	run(c, 200_000_000, nil)
	if got, want := rep(c, f).m.(*kvMachine).kv[""], int64(10_000+CompactEvery+5); got != want {
		t.Fatalf("a follower that missed a snapshot's worth holds %v, want %v", got, want)
	}
}

// A log entry on disk is its own copy (entry.Clone): a cas's values the
// node changes after the write do not reach the disk.
func TestLogEntryOnDiskIsACopy(t *testing.T) {
	t.Parallel()
	d := sim.NewDisk()
	vals := []any{int64(1), int64(2)}
	d.Put("log/1", entry{Term: 1, Op: sim.Request{F: "cas", Value: vals}, Client: "c1", Seq: 1})
	vals[0] = int64(9)
	var e entry
	if !sim.Load(d, "log/1", &e) || !reflect.DeepEqual(e.Op.Value, []any{int64(1), int64(2)}) {
		t.Fatalf("the entry on disk after the node changed its values: %#v", e)
	}
}

// entry.Clone copies Op (whose Clone copies its Value) and nothing else:
// every other field of both must be plain data, or Clone must copy it too
// (and this list name it).
func TestEntryCloneCoversEveryField(t *testing.T) {
	t.Parallel()
	for typ, cloned := range map[reflect.Type]map[string]bool{
		reflect.TypeFor[entry]():       {"Op": true},
		reflect.TypeFor[sim.Request](): {"Value": true},
	} {
		for i := range typ.NumField() {
			f := typ.Field(i)
			switch f.Type.Kind() {
			case reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64, reflect.String:
			default:
				if !cloned[f.Name] {
					t.Errorf("%s.%s (%s) may refer to data a node changes: copy it in its Clone", typ, f.Name, f.Type)
				}
			}
		}
	}
}

// An entry's key is the same whether it comes from the table of the first
// keys or is made: the disk of a long run reads the same as a short one's.
func TestLogKeyIsLogSlashIndex(t *testing.T) {
	t.Parallel()
	for _, i := range []int64{0, 1, 9, 10, 511, 1023, 1024, 1025, 123456} {
		if got, want := logKey(i), fmt.Sprintf("log/%d", i); got != want {
			t.Errorf("logKey(%d) = %q, want %q", i, got, want)
		}
	}
}
