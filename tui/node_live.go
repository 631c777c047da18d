package tui

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/maelstrom"
	"github.com/faultline-lab/faultline/sim"
)

// liveRun is the learner's own nodes running, as the workbench follows
// them: the run's events turned into a trace shaped like a lesson's (so
// the cluster picture, the timeline and the message view draw it as they
// draw a simulation), its history, its faults, the cluster after each
// fault (so a past moment is known without re-running anything), and
// the roles inferred from the messages. It is read and written on the
// UI's goroutine only; the run reaches it through the events channel.
type liveRun struct {
	r       *maelstrom.Run
	ids     []string
	index   map[string]int
	clients int

	trace   []sim.TraceEvent
	pending []sim.TraceEvent // held back a moment, then put in time order
	// readerOver: the events reader has ended; doneHeld: the outcome,
	// when it came first (it waits for the reader's last batch).
	readerOver bool
	doneHeld   *nodeDoneMsg
	newest     int64    // the latest event time seen
	capped     int      // message events not kept: the trace is full
	services   []string // the services the nodes talked to, in order of first use

	h       history.History
	invokes int // client operations invoked, in h
	applied []sim.AppliedFault
	states  []liveState     // the cluster after each fault, in time order
	opAt    map[int64]int32 // history index → trace position of its invocation or completion
	// open matches a message's arrival or drop to its send: the trace
	// ids of the messages on their way between two ends, by their text,
	// oldest first (the protocol's msg_id is each node's own count, so
	// it names no message uniquely).
	open   map[string][]int64
	nextID int64

	roles roleGuess

	workStart int64 // when the clients began, ns since the run began; -1 before
	finished  bool
	end       int64 // the run's length, once finished
}

// liveState is the cluster from a moment on.
type liveState struct {
	at int64
	st maelstrom.State
}

// holdbackNs is how long an event waits, behind the newest, before it
// joins the trace: events from the run's goroutines arrive a little out
// of order, and the trace is searched by time. quietNs is how far behind
// the clock everything joins when no events come (events take a batch
// interval and more to arrive).
const (
	holdbackNs = 50_000_000
	quietNs    = 300_000_000
)

// maxLiveTrace bounds the trace a live run keeps: past it, messages and
// log lines are counted but not kept (operations and faults always are).
const maxLiveTrace = 300_000

func newLiveRun(r *maelstrom.Run) *liveRun {
	cfg := r.Config()
	l := &liveRun{r: r, ids: maelstrom.NodeIDs(cfg.Nodes), index: map[string]int{}, clients: cfg.Clients,
		opAt: map[int64]int32{}, open: map[string][]int64{}, workStart: -1}
	for i, id := range l.ids {
		l.index[id] = i
	}
	nodes := make([]sim.NodeView, len(l.ids))
	for i, id := range l.ids {
		nodes[i] = sim.NodeView{ID: id, Up: true, Group: -1}
	}
	l.states = []liveState{{at: 0, st: maelstrom.State{Nodes: nodes}}}
	l.roles = newRoleGuess(l.ids)
	return l
}

// absorb takes a batch of the run's events in, and the history records
// that are new.
func (l *liveRun) absorb(batch []maelstrom.Event) {
	faults := false
	for _, ev := range batch {
		faults = l.take(ev) || faults
	}
	sort.SliceStable(l.pending, func(i, j int) bool { return l.pending[i].Time < l.pending[j].Time })
	l.commit(max(l.newest-holdbackNs, int64(l.r.Elapsed())-quietNs))
	l.addRecords(l.r.HistoryFrom(len(l.h)))
	if faults {
		l.applied = owned(l.r.Applied())
	}
}

// finish takes in the outcome of the run: its whole history and faults,
// and every event still held back.
func (l *liveRun) finish(out maelstrom.Outcome, rest []maelstrom.Event) {
	for _, ev := range rest {
		l.take(ev)
	}
	sort.SliceStable(l.pending, func(i, j int) bool { return l.pending[i].Time < l.pending[j].Time })
	l.commit(1 << 62)
	l.addRecords(out.History[min(len(l.h), len(out.History)):])
	l.applied = owned(out.Applied)
	l.finished, l.end = true, max(out.ElapsedNs, l.newest)
}

// addRecords appends history records, counting the invocations.
func (l *liveRun) addRecords(h history.History) {
	for _, o := range h {
		if o.Type == history.Invoke && !o.IsNemesis() {
			l.invokes++
		}
	}
	l.h = append(l.h, h...)
}

// take turns one event into trace events, held back for ordering. It
// reports whether it was a fault.
func (l *liveRun) take(ev maelstrom.Event) bool {
	t := ev.Time
	if ev.Op != nil {
		t = ev.Op.Time // the record's own time, so the two are found together
	}
	l.newest = max(l.newest, t)
	te := ev.TraceEvent
	te.Time = t
	switch {
	case te.Kind == sim.TraceFault && ev.Op != nil:
		te.Src, te.Dest, te.Detail = "", "", nemesisText(*ev.Op)
		if ev.State != nil {
			l.addState(t, *ev.State)
		}
		l.hold(te, ev.Op)
		return true
	case te.Kind == sim.TraceInvoke && ev.Op != nil:
		te.Src, te.Detail = sim.ClientOf(ev.Op.Process, l.clients), opText(*ev.Op)
		l.hold(te, ev.Op)
	case te.Kind == sim.TraceComplete && ev.Op != nil:
		te.Src, te.Detail = sim.ClientOf(ev.Op.Process, l.clients), completionText(*ev.Op)
		l.hold(te, ev.Op)
	case te.Kind == sim.TraceLog && te.Src == "faultline":
		if te.Detail == "phase: "+maelstrom.PhaseWorkload && l.workStart < 0 {
			l.workStart = t
		}
	case te.Kind == sim.TraceLog:
		l.hold(te, nil)
	default:
		if b, ok := te.Body.(maelstrom.Body); ok {
			te.Body = wireBody{kind: b.Kind, json: b.JSON, msgID: te.MsgID, inReplyTo: b.InReplyTo}
		}
		l.hold(te, nil)
	}
	return false
}

// heldEvent is an event waiting to join the trace, with the record it
// stands for (invocations, completions, faults).
func (l *liveRun) hold(te sim.TraceEvent, op *history.Op) {
	if op != nil {
		te.Step = op.Index // carried to commit, which files it by record
	} else {
		te.Step = -1
	}
	l.pending = append(l.pending, te)
}

// commit moves the held events up to moment upTo into the trace, in time
// order, numbering each message so that its arrival is found from its
// send, and synthesising the arrivals faultline makes at once (a reply
// to a client, a request to a service).
func (l *liveRun) commit(upTo int64) {
	n := sort.Search(len(l.pending), func(i int) bool { return l.pending[i].Time > upTo })
	last := int64(0)
	if len(l.trace) > 0 {
		last = l.trace[len(l.trace)-1].Time
	}
	for _, te := range l.pending[:n] {
		te.Time = max(te.Time, last) // a straggler older than the trace's end
		last = te.Time
		l.place(te)
	}
	l.pending = append(l.pending[:0], l.pending[n:]...)
}

// place appends one event to the trace (or counts it, when full).
func (l *liveRun) place(te sim.TraceEvent) {
	rec := te.Step
	te.Step = int64(len(l.trace))
	message := te.Kind == sim.TraceSend || te.Kind == sim.TraceDeliver || te.Kind == sim.TraceDrop || te.Kind == sim.TraceDuplicate
	if message {
		l.roles.observe(te)
		l.number(&te)
	}
	if (message || te.Kind == sim.TraceLog) && len(l.trace) >= maxLiveTrace {
		l.capped++
		return
	}
	if rec >= 0 {
		l.opAt[rec] = int32(len(l.trace))
	}
	l.trace = append(l.trace, te)
	if te.Kind == sim.TraceSend && l.isService(te.Dest) {
		// A service answers at once: its request arrives as it is sent
		// (a client's reply is drawn where the client completes).
		arrive := te
		arrive.Kind, arrive.Step = sim.TraceDeliver, int64(len(l.trace))
		l.trace = append(l.trace, arrive)
		if !slices.Contains(l.services, te.Dest) {
			l.services = append(l.services, te.Dest)
		}
	}
}

// isService reports whether an id is none of the nodes and clients:
// one of the services faultline provides (lin-kv, seq-kv, …).
func (l *liveRun) isService(id string) bool {
	_, isNode := l.index[id]
	return !isNode && !isClient(id) && id != "c0" && id != ""
}

// number gives a message event the trace id of the message it is: a
// send a new one, an arrival or a drop its send's.
func (l *liveRun) number(te *sim.TraceEvent) {
	_, toNode := l.index[te.Dest]
	if !toNode {
		l.nextID++
		te.MsgID = l.nextID
		return
	}
	key := messageKey(*te)
	switch te.Kind {
	case sim.TraceSend:
		l.nextID++
		te.MsgID = l.nextID
		l.open[key] = append(l.open[key], te.MsgID)
	case sim.TraceDuplicate:
		q := l.open[key]
		if len(q) > 0 {
			te.MsgID = q[len(q)-1]
			l.open[key] = append(q, te.MsgID) // a second copy will arrive
		}
	default: // an arrival or a drop
		q := l.open[key]
		if len(q) == 0 {
			l.nextID++ // sent by faultline itself (init, topology)
			te.MsgID = l.nextID
			return
		}
		te.MsgID = q[0]
		if len(q) == 1 {
			delete(l.open, key)
		} else {
			l.open[key] = q[1:]
		}
	}
}

func messageKey(te sim.TraceEvent) string {
	var b strings.Builder
	b.WriteString(te.Src)
	b.WriteByte(0)
	b.WriteString(te.Dest)
	b.WriteByte(0)
	if w, ok := te.Body.(wireBody); ok {
		b.Write(w.json)
	}
	return b.String()
}

// forget drops what was on its way to a node that crashed: it never
// arrives.
func (l *liveRun) forget(node string) {
	for k := range l.open {
		if parts := strings.SplitN(k, "\x00", 3); len(parts) == 3 && parts[1] == node {
			delete(l.open, k)
		}
	}
}

func (l *liveRun) addState(at int64, st maelstrom.State) {
	for _, v := range st.Nodes {
		if !v.Up {
			l.forget(v.ID)
		}
	}
	i := sort.Search(len(l.states), func(i int) bool { return l.states[i].at > at })
	l.states = slices.Insert(l.states, i, liveState{at: at, st: st})
}

// --- the explorer's view of it (runSource) ---

func (l *liveRun) hist() history.History      { return l.h }
func (l *liveRun) faults() []sim.AppliedFault { return l.applied }

// owned gives a live run's faults their owners: the runner records none,
// and a fault the learner pressed is Live, the others the nemesis
// schedule's (its closing heal among them).
func owned(applied []sim.AppliedFault) []sim.AppliedFault {
	out := make([]sim.AppliedFault, len(applied))
	for i, a := range applied {
		a.Owner = sim.OwnerSchedule
		if a.Fault.Live {
			a.Owner = sim.OwnerLearner
		}
		out[i] = a
	}
	return out
}

// ownerName: a live run's faults are the learner's and its nemesis
// schedule's; it has no mix of its own kinds.
func (l *liveRun) ownerName(o sim.Owner) string { return ownerWord(o) }
func (l *liveRun) events() []sim.TraceEvent     { return l.trace }
func (l *liveRun) nodeIDs() []string            { return l.ids }
func (l *liveRun) clientCount() int             { return l.clients }
func (l *liveRun) begun() bool                  { return true }
func (l *liveRun) done() bool                   { return l.finished }
func (l *liveRun) latencyNs() int64             { return liveLatencyNs }

// liveLatencyNs is how long faultline takes to carry a message between
// processes, generously: one that took longer was delayed (a delay fault,
// or a node too busy to read).
const liveLatencyNs = 20_000_000

func (l *liveRun) clientOf(p history.Process) string { return sim.ClientOf(p, l.clients) }

func (l *liveRun) clock() int64 {
	if l.finished {
		return l.end
	}
	return max(l.newest, int64(l.r.Elapsed()))
}

func (l *liveRun) columns() []string {
	return append(clientColumns(l.clients, l.ids), l.services...)
}

// opEvents finds an operation's events by its records.
func (l *liveRun) opEvents(_ *messageIndex, inv history.Op, comp *history.Op) (int, int) {
	a, b := -1, -1
	if p, ok := l.opAt[inv.Index]; ok {
		a = int(p)
	}
	if comp != nil {
		if p, ok := l.opAt[comp.Index]; ok {
			b = int(p)
		}
	}
	return a, b
}

// pastSnap is the cluster as the last fault before at left it.
func (l *liveRun) pastSnap(at int64) (clusterSnap, bool) {
	i := sort.Search(len(l.states), func(i int) bool { return l.states[i].at > at }) - 1
	st := l.states[max(0, i)].st
	return l.snap(at, st), true
}

// now is the cluster at the run's present.
func (l *liveRun) now() clusterSnap {
	if l.finished {
		return l.snap(l.end, l.states[len(l.states)-1].st)
	}
	return l.snap(l.clock(), maelstrom.State{Nodes: l.r.Cluster(), Net: l.r.Network()})
}

// snap describes a state as the picture draws it, with the roles the
// messages up to at suggest.
func (l *liveRun) snap(at int64, st maelstrom.State) clusterSnap {
	nodes := append([]sim.NodeView(nil), st.Nodes...)
	guess := l.roles.at(at)
	reads := l.lastReads(at)
	for i := range nodes {
		nodes[i].Status = guess.status(i)
		nodes[i].Status.Value = reads[nodes[i].ID]
	}
	net := st.Net
	return clusterSnap{at: at, nodes: nodes, shape: sim.Shape(net.Shape), groups: net.Groups, desc: net.Desc,
		hears: net.Hears, loss: net.Loss, dup: net.Dup, delayNs: net.DelayNs}
}

// readScan bounds how far back lastReads looks.
const readScan = 20_000

// lastReads is what each node last answered a read with, by moment at:
// the state its messages show ("read 1=19", "read 34 values").
func (l *liveRun) lastReads(at int64) map[string]string {
	out := map[string]string{}
	h := l.h
	i := sort.Search(len(h), func(i int) bool { return h[i].Time > at })
	for j := i - 1; j >= max(0, i-readScan) && len(out) < len(l.ids); j-- {
		o := h[j]
		if o.Type != history.OK || o.F != "read" || out[o.Node] != "" {
			continue
		}
		switch v := o.Value.(type) {
		case []any:
			out[o.Node] = "read " + plural(len(v), "value")
		default:
			if o.Key != "" {
				out[o.Node] = "read " + o.Key + "=" + history.Format(v)
			} else {
				out[o.Node] = "read " + history.Format(v)
			}
		}
	}
	return out
}

// wireBody is a real node's message body, as the views show it: its
// type, its JSON, its msg_id and the id it answers.
type wireBody struct {
	kind      string
	json      json.RawMessage
	msgID     int64
	inReplyTo int64
}

func (b wireBody) Type() string { return b.kind }

// String is the type and the body's other fields, `write key=1 value=3`,
// in the order the node wrote them.
func (b wireBody) String() string {
	var out strings.Builder
	out.WriteString(b.kind)
	dec := json.NewDecoder(bytes.NewReader(b.json))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return out.String()
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			break
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			break
		}
		name, _ := k.(string)
		switch name {
		case "type", "msg_id", "in_reply_to":
			continue
		}
		out.WriteString(" " + name + "=" + string(v))
	}
	return out.String()
}

// completionText is a completion as the message view shows it: `ok read
// 3`, `info write 2 (timeout)`.
func completionText(o history.Op) string {
	s := string(o.Type) + " " + o.F
	if o.Key != "" {
		s += " " + o.Key
	}
	if o.Value != nil {
		s += " " + history.Format(o.Value)
	}
	if o.Error != "" {
		s += " (" + o.Error + ")"
	}
	return s
}
