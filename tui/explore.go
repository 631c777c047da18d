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
)

// explorerModel is the state of the views while one is open.
type explorerModel struct {
	view          explorerView
	width, height int

	cursor int32 // the selected operation of the full timeline; -1 none
	moment int64 // the moment the cluster is shown at (virtual ns)

	zoom    int   // index into zoomLevels
	t0      int64 // the timeline's left edge
	laneTop int   // the first lane shown
	placed  bool  // zoom and window chosen

	witCursor int32 // the selected operation of the witness
	msgRow    int   // the selected row of the message diagram; -1: at the moment
	live      bool  // the cursor follows the latest operation of a run still playing
}

// explorerCache is what the views derive from a run, kept while the run
// lasts (closing and reopening a view costs nothing), and dropped with it.
type explorerCache struct {
	run     *playback
	tl      *timeline
	msgs    *messageIndex
	order   orderState
	scrub   scrubState
	wit     *timeline // the witness as a timeline
	witFor  *checker.Result
	explain map[int32]string // causal notes of the message view, per operation
}

// openExplorer opens (or switches to) a view, keeping the cursor.
func (m *lessonModel) openExplorer(v explorerView) {
	m.syncLook()
	e := m.explorer
	if e == nil {
		e = &explorerModel{cursor: -1, witCursor: -1, msgRow: -1}
		m.explorer = e
	}
	e.view = v
	e.resize(m.c.width, m.c.height)
	if e.cursor < 0 {
		e.home(m)
	}
	if v == viewWitness {
		e.witCursor = m.witnessFailing()
	}
	if v == viewMessages {
		e.msgRow = -1
	}
	e.follow(m)
}

func (e *explorerModel) resize(w, h int) { e.width, e.height = w, h }

// home puts the cursor on the failing operation, or the latest one.
func (e *explorerModel) home(m *lessonModel) {
	tl := m.look.tl
	if len(tl.ops) == 0 {
		return
	}
	e.cursor = int32(len(tl.ops) - 1)
	e.live = !m.run.done()
	if i := m.check.failingIndex(); i >= 0 {
		if id := tl.byInvocation(i); id >= 0 {
			e.cursor, e.live = id, false
		}
	}
	e.moment = tl.ops[e.cursor].start
}

// syncLook brings the caches up to date with the run: new records, new
// trace events, a new run altogether.
func (m *lessonModel) syncLook() {
	lc := &m.look
	if lc.run != m.run || lc.tl == nil {
		lc.order.stop()
		*lc = explorerCache{run: m.run, tl: newTimeline(), msgs: &messageIndex{}}
		if m.explorer != nil {
			m.explorer.cursor, m.explorer.witCursor, m.explorer.placed = -1, -1, false
		}
	}
	s := m.run.s
	lc.tl.absorb(s.History(), s.Applied(), s.Now())
	lc.msgs.absorb(s.Trace())
}

// explorerUpdate takes the messages of the explorer's background work; it
// reports false for any other message.
func (m *lessonModel) explorerUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case orderDoneMsg:
		m.look.order.finish(msg)
		return nil, true
	case scrubDoneMsg:
		return m.look.scrub.finish(msg, m.run), true
	}
	return nil, false
}

// explorerSync runs after every Update while a view is open: it indexes
// what the run added, and starts the background work the view needs —
// the checker's order after a verdict, the cluster at the moment.
func (m *lessonModel) explorerSync() tea.Cmd {
	e := m.explorer
	if e == nil {
		return nil
	}
	m.syncLook()
	tl := m.look.tl
	switch {
	case e.cursor < 0:
		e.home(m)
	case e.live && len(tl.ops) > 0:
		e.cursor = int32(len(tl.ops) - 1)
		e.moment = tl.ops[e.cursor].start
		e.msgRow = -1
		e.live = !m.run.done()
	}
	e.follow(m)
	var cmds []tea.Cmd
	lc := &m.look
	if m.check.result != nil && !m.check.running && lc.order.checkID != m.check.id {
		cmds = append(cmds, lc.order.start(m.check.id, m.l, m.run.s.History()))
	}
	if m.run.started && m.run.s.Now() > 0 {
		cmds = append(cmds, lc.scrub.request(m.run, e.moment))
	}
	return tea.Batch(cmds...)
}

// explorerKey handles a key while a view is open. The run's own keys keep
// working behind it: pause, step, add a fault, and watch the view change.
func (m *lessonModel) explorerKey(k tea.KeyMsg) tea.Cmd {
	e, keys := m.explorer, m.c.keys
	switch {
	case key.Matches(k, keys.Esc, keys.Quit):
		m.explorer = nil
	case key.Matches(k, keys.Timeline):
		if e.view == viewWitness {
			e.fromWitness(m)
		}
		m.openExplorer(viewHistory)
	case key.Matches(k, keys.Witness):
		m.openExplorer(viewWitness)
	case key.Matches(k, keys.Messages):
		if e.view == viewWitness {
			e.fromWitness(m)
		}
		m.openExplorer(viewMessages)
	case key.Matches(k, keys.Enter) && e.view == viewWitness:
		e.fromWitness(m)
		m.openExplorer(viewHistory)
	case key.Matches(k, keys.Failing):
		e.toFailing(m)
	case key.Matches(k, keys.Up, keys.Down, keys.PageUp, keys.PageDown, keys.NextOp, keys.PrevOp,
		keys.Left, keys.Right, keys.ZoomIn, keys.ZoomOut):
		e.move(m, k)
	case key.Matches(k, keys.Tab, keys.Enter, keys.Answer):
	default:
		return m.key(k)
	}
	return nil
}

// move is a cursor, pan or zoom key in the view that is open. The cursor
// then stays where the learner put it, even while the run plays on.
func (e *explorerModel) move(m *lessonModel, k tea.KeyMsg) {
	e.live = false
	switch e.view {
	case viewHistory:
		e.timelineKey(m, k)
	case viewWitness:
		e.witnessKey(m, k)
	case viewMessages:
		e.messagesKey(m, k)
	}
}

// toFailing puts the cursor on the failing operation.
func (e *explorerModel) toFailing(m *lessonModel) {
	e.live = false
	i := m.check.failingIndex()
	if i < 0 {
		m.flash = "no failing operation: there is no NOT LINEARIZABLE verdict"
		return
	}
	if e.view == viewWitness {
		e.witCursor = m.witnessFailing()
		return
	}
	if id := m.look.tl.byInvocation(i); id >= 0 {
		e.selectOp(m, id)
	}
}

// selectOp moves the cursor to an operation and the moment to its start.
func (e *explorerModel) selectOp(m *lessonModel, id int32) {
	tl := m.look.tl
	if id < 0 || int(id) >= len(tl.ops) {
		return
	}
	e.cursor = id
	e.moment = tl.ops[id].start
	e.msgRow = -1
	e.follow(m)
}

// fromWitness carries the witness's selected operation to the full views.
func (e *explorerModel) fromWitness(m *lessonModel) {
	w := m.look.wit
	if w == nil || e.witCursor < 0 || int(e.witCursor) >= len(w.ops) {
		return
	}
	inv := w.h[w.ops[e.witCursor].inv].Index
	if id := m.look.tl.byInvocation(inv); id >= 0 {
		e.selectOp(m, id)
	}
}

// follow keeps what is selected in sight after a move or a resize.
func (e *explorerModel) follow(m *lessonModel) {
	switch e.view {
	case viewHistory:
		e.followTimeline(m)
	}
}

func (e *explorerModel) View(m *lessonModel) string {
	switch e.view {
	case viewWitness:
		return e.witnessView(m)
	case viewMessages:
		return e.messagesView(m)
	}
	return e.timelineView(m)
}

// selectedOp is the cursor's operation: its invocation and completion.
func (m *lessonModel) selectedOp() (history.Op, *history.Op, bool) {
	e, tl := m.explorer, m.look.tl
	if e == nil || e.cursor < 0 || int(e.cursor) >= len(tl.ops) {
		return history.Op{}, nil, false
	}
	return tl.invComp(e.cursor)
}
