package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

// explorerView is one of the full-screen views over a run: the history
// timeline (t), the witness (w) and the message diagram (m). They share a
// cursor — the selected operation — and a moment in time, so switching
// views keeps the learner's place.
type explorerView uint8

const (
	viewHistory explorerView = iota
	viewWitness
	viewMessages
	viewCycle // w in a transactional lesson: the anomaly's transactions and dependencies
)

// explorerInput is all the explorer sees of the screen that opened it (a
// lesson's, or the learner's own node's): the shared size, styles and
// keys, the run and its verdict (read only), the checker's model, and the
// lines that screen frames every view with. The explorer never reaches
// into the screen.
type explorerInput struct {
	c   *common
	src runSource
	// model and init are the checker's, for the order it finds; model is
	// "" when the run is not checked for linearizability.
	model string
	init  any
	// txn says the run's operations are transactions: w opens the cycle
	// view, and the verdict's extra is the transactional result.
	txn    bool
	check  *checkState
	header string // the screen's header: lesson, variant and seed, or the node's command
	status string // the screen's status line
}

// explorerModel is the history explorer: the timeline (t), the witness
// (w) and the message view (m), over the run of the lesson screen. It is a
// child of the lesson screen, which hands it an explorerInput on every
// Update and View.
type explorerModel struct {
	in    explorerInput
	open  bool // a view is on the screen
	view  explorerView
	flash string // what the last key did, for the lesson's status line
	look  *explorerCache

	cursor int32 // the selected operation of the full timeline; -1 none
	moment int64 // the moment the cluster is shown at (virtual ns)

	zoom    int   // index into zoomLevels
	t0      int64 // the timeline's left edge
	laneTop int   // the first lane shown
	placed  bool  // zoom and window chosen

	witCursor int32      // the selected operation of the witness
	witAll    bool       // every operation of a grouped witness drawn, not only the last few
	cyc       cycleState // the cycle view's anomaly and transaction
	msgRow    int        // the selected row of the message diagram; -1: at the moment
	live      bool       // the cursor follows the latest operation of a run still playing
	chatter   bool       // the message view shows every message, not only the causal ones
}

func newExplorer() explorerModel {
	return explorerModel{cursor: -1, witCursor: -1, msgRow: -1, look: &explorerCache{}}
}

// explorerCache is what the views derive from a run, kept while the run
// lasts (closing and reopening a view costs nothing), and dropped with it.
type explorerCache struct {
	src     runSource
	tl      *timeline
	msgs    *messageIndex
	order   orderState
	scrub   scrubState
	wit     *timeline // the witness as a timeline
	witFor  *checker.Result
	witAll  bool             // wit draws every operation of a grouped witness
	explain map[int32]string // causal notes of the message view, per operation
	logs    map[int]string   // node log lines in the message view's words, per trace position
	causal  *causalSet       // the messages that carried the witness's values
	causeOf *checker.Result
}

// width and height are the screen's.
func (e *explorerModel) width() int  { return e.in.c.width }
func (e *explorerModel) height() int { return e.in.c.height }

// show opens (or switches to) a view, keeping the cursor.
func (e explorerModel) show(v explorerView, in explorerInput) explorerModel {
	e.in = in
	e.openView(v)
	return e
}

func (e *explorerModel) openView(v explorerView) {
	if v == viewWitness && e.in.txn {
		v = viewCycle
	}
	if v == viewCycle && e.view != viewCycle {
		e.cyc = cycleState{}
	}
	e.syncLook()
	e.open = true
	e.view = v
	if e.cursor < 0 {
		e.home()
	}
	if v == viewWitness {
		e.witCursor = e.witnessFailing()
	}
	if v == viewMessages {
		e.msgRow = -1
	}
	e.follow()
}

// home puts the cursor on the failing operation, or the latest one.
func (e *explorerModel) home() {
	tl := e.look.tl
	if len(tl.ops) == 0 {
		return
	}
	e.cursor = int32(len(tl.ops) - 1)
	e.live = !e.in.src.done()
	if i := e.in.check.failingIndex(); i >= 0 {
		if id := tl.byInvocation(i); id >= 0 {
			e.cursor, e.live = id, false
		}
	}
	e.moment = tl.ops[e.cursor].start
}

// syncLook brings the caches up to date with the run: new records, new
// trace events, a new run altogether.
func (e *explorerModel) syncLook() {
	lc := e.look
	if lc.src != e.in.src || lc.tl == nil {
		lc.order.stop()
		*lc = explorerCache{src: e.in.src, tl: newTimeline(), msgs: &messageIndex{}}
		lc.tl.names = e.in.src.ownerName
		e.cursor, e.witCursor, e.placed = -1, -1, false
	}
	s := e.in.src
	lc.tl.absorb(s.hist(), s.faults(), s.clock())
	lc.msgs.absorb(s.events())
}

// stop ends the explorer's background work (the lesson screen is going).
func (e *explorerModel) stop() { e.look.order.stop() }

// owns reports whether a key is the explorer's while a view is open; the
// others (run, pause, faults, …) go to the lesson screen, so the run can
// be driven while a view watches it.
func (e *explorerModel) owns(k tea.KeyMsg) bool {
	keys := e.in.c.keys
	return key.Matches(k, keys.Esc, keys.Quit, keys.Timeline, keys.Witness, keys.Messages, keys.Enter,
		keys.Failing, keys.Up, keys.Down, keys.PageUp, keys.PageDown, keys.NextOp, keys.PrevOp,
		keys.Left, keys.Right, keys.ZoomIn, keys.ZoomOut, keys.Tab, keys.Answer, keys.Chatter)
}

// Update takes the explorer's keys and the results of its background work,
// then catches up with the run and starts the work the view needs: the
// checker's order after a verdict, the cluster at the moment.
func (e explorerModel) Update(msg tea.Msg, in explorerInput) (explorerModel, tea.Cmd) {
	e.in = in
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case orderDoneMsg:
		e.look.order.finish(msg)
	case scrubDoneMsg:
		if p, ok := e.in.src.(*playback); ok {
			cmd = e.look.scrub.finish(msg, p)
		}
	case tea.KeyMsg:
		if e.open {
			e.key(msg)
		}
	}
	if !e.open {
		return e, cmd
	}
	return e, tea.Batch(cmd, e.sync())
}

func (e *explorerModel) sync() tea.Cmd {
	e.syncLook()
	tl := e.look.tl
	switch {
	case e.cursor < 0:
		e.home()
	case e.live && len(tl.ops) > 0:
		e.cursor = int32(len(tl.ops) - 1)
		e.moment = tl.ops[e.cursor].start
		e.msgRow = -1
		e.live = !e.in.src.done()
	}
	e.follow()
	var cmds []tea.Cmd
	lc := e.look
	if e.in.check.result != nil && !e.in.check.running && lc.order.checkID != e.in.check.id && e.in.model != "" {
		cmds = append(cmds, lc.order.start(e.in.check.id, e.in.model, e.in.init, e.in.src.hist()))
	}
	if s := e.in.src; s.begun() && s.clock() > 0 {
		at := max(0, min(e.moment, s.clock()))
		if snap, ok := s.pastSnap(at); ok {
			lc.scrub.set(at, snap)
		} else if p, ok := s.(*playback); ok {
			cmds = append(cmds, lc.scrub.request(p, e.moment))
		}
	}
	return tea.Batch(cmds...)
}

// key handles one of the explorer's own keys (see owns).
func (e *explorerModel) key(k tea.KeyMsg) {
	keys := e.in.c.keys
	switch {
	case key.Matches(k, keys.Esc, keys.Quit):
		e.open = false
	case key.Matches(k, keys.Timeline):
		e.carry()
		e.openView(viewHistory)
	case key.Matches(k, keys.Witness):
		e.openView(viewWitness)
	case key.Matches(k, keys.Messages):
		e.carry()
		e.openView(viewMessages)
	case key.Matches(k, keys.Enter) && (e.view == viewWitness || e.view == viewCycle):
		e.carry()
		e.openView(viewHistory)
	case key.Matches(k, keys.Failing):
		e.toFailing()
	case key.Matches(k, keys.Chatter) && e.view == viewWitness:
		e.witnessKey(k)
	case key.Matches(k, keys.Chatter) && e.view == viewMessages:
		e.chatter = !e.chatter
		e.flash = "messages: only those that carried the witness's values"
		if e.chatter {
			e.flash = "messages: every message, heartbeats included"
		}
	case key.Matches(k, keys.Up, keys.Down, keys.PageUp, keys.PageDown, keys.NextOp, keys.PrevOp,
		keys.Left, keys.Right, keys.ZoomIn, keys.ZoomOut):
		e.move(k)
	}
}

// take handles one of the explorer's keys for the screen that opened it;
// what the key did goes to that screen's flash.
func (e *explorerModel) take(k tea.KeyMsg, in explorerInput, flash *string) tea.Cmd {
	var cmd tea.Cmd
	*e, cmd = e.Update(k, in)
	if f := e.takeFlash(); f != "" {
		*flash = f
	}
	return cmd
}

// takeFlash hands the lesson screen what the last key did, once.
func (e *explorerModel) takeFlash() string {
	f := e.flash
	e.flash = ""
	return f
}

// move is a cursor, pan or zoom key in the view that is open. The cursor
// then stays where the learner put it, even while the run plays on.
func (e *explorerModel) move(k tea.KeyMsg) {
	e.live = false
	switch e.view {
	case viewHistory:
		e.timelineKey(k)
	case viewWitness:
		e.witnessKey(k)
	case viewMessages:
		e.messagesKey(k)
	case viewCycle:
		e.cycleKey(k)
	}
}

// carry takes the witness's or the cycle's selected operation to the full
// views.
func (e *explorerModel) carry() {
	switch e.view {
	case viewWitness:
		e.fromWitness()
	case viewCycle:
		e.fromCycle()
	}
}

// toFailing puts the cursor on the failing operation.
func (e *explorerModel) toFailing() {
	e.live = false
	i := e.in.check.failingIndex()
	if i < 0 {
		e.flash = "no failing operation: " + e.in.check.wordsOf().none
		return
	}
	if e.view == viewWitness {
		e.witCursor = e.witnessFailing()
		return
	}
	if e.view == viewCycle {
		e.cyc = cycleState{} // the anomaly the verdict names
		return
	}
	if id := e.look.tl.byInvocation(i); id >= 0 {
		e.selectOp(id)
	}
}

// selectOp moves the cursor to an operation and the moment to its start.
func (e *explorerModel) selectOp(id int32) {
	tl := e.look.tl
	if id < 0 || int(id) >= len(tl.ops) {
		return
	}
	e.cursor = id
	e.moment = tl.ops[id].start
	e.msgRow = -1
	e.follow()
}

// fromWitness carries the witness's selected operation to the full views.
func (e *explorerModel) fromWitness() {
	w := e.look.wit
	if w == nil || e.witCursor < 0 || int(e.witCursor) >= len(w.ops) {
		return
	}
	inv := w.h[w.ops[e.witCursor].inv].Index
	if id := e.look.tl.byInvocation(inv); id >= 0 {
		e.selectOp(id)
	}
}

// follow keeps what is selected in sight after a move or a resize.
func (e *explorerModel) follow() {
	switch e.view {
	case viewHistory:
		e.followTimeline()
	}
}

func (e explorerModel) View(in explorerInput) string {
	e.in = in
	switch e.view {
	case viewCycle:
		return e.cycleView()
	case viewWitness:
		return e.witnessView()
	case viewMessages:
		return e.messagesView()
	}
	return e.timelineView()
}

// selectedOp is the cursor's operation: its invocation and completion.
func (e *explorerModel) selectedOp() (history.Op, *history.Op, bool) {
	tl := e.look.tl
	if e.cursor < 0 || int(e.cursor) >= len(tl.ops) {
		return history.Op{}, nil, false
	}
	return tl.invComp(e.cursor)
}

// syncCmd is what every Update of an open view does: catch up with the
// run and ask for the work the view needs (tests call it directly).
func (e *explorerModel) syncCmd(in explorerInput) tea.Cmd {
	e.in = in
	return e.sync()
}
