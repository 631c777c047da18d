package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/faultline-lab/faultline/history"
)

// screen is what the lesson screen and the node screen share: the panes
// (the cluster with the node the fault keys act on, the history, the box
// under them) and their focus, the check, the explorer, the export
// prompt and the status line's message; and the frame both are drawn
// and routed in. Each embeds it.
type screen struct {
	c          *common
	focus      pane
	nodeCursor int
	hist       historyPane
	bottomTop  int // first line of the box under the panes shown

	check    checkState
	explore  explorerModel // t, w, m: full-screen views over the run
	exportTo exportPrompt  // e: the folder to export to
	flash    string        // what the last key did
	notice   []string      // a longer message (an export's files), until the next key
}

func newScreen(c *common) screen {
	s := screen{c: c, hist: newHistoryPane(), focus: paneCluster, explore: newExplorer()}
	s.check.spinner = spinner.New(spinner.WithSpinner(spinner.Line), spinner.WithStyle(c.styles.Warn))
	return s
}

// screenHost is a screen in the frame: what the frame asks of it.
type screenHost interface {
	explorerInput() explorerInput
	// modal gives a key to a child of the screen's own that has the
	// whole screen (the lesson's reader, the node's settings).
	modal(k tea.KeyMsg) (tea.Cmd, bool)
	key(k tea.KeyMsg) tea.Cmd   // a key no child took
	update(msg tea.Msg) tea.Cmd // a message of the screen's own
	afterCheck()
	exportCmd(dir string) tea.Cmd
}

// explorerMsg hands the explorer the results of its background work.
func (s *screen) explorerMsg(msg tea.Msg, h screenHost) (tea.Cmd, bool) {
	switch msg.(type) {
	case orderDoneMsg, scrubDoneMsg:
		var cmd tea.Cmd
		s.explore, cmd = s.explore.Update(msg, h.explorerInput())
		return cmd, true
	}
	return nil, false
}

// handle routes a key to the child that has it, and takes the check's and
// the export's results; anything else is the screen's own.
func (s *screen) handle(msg tea.Msg, h screenHost) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return s.routeKey(msg, h)
	case checkDoneMsg:
		if s.check.finish(msg) {
			h.afterCheck()
		}
		return nil
	case exportDoneMsg:
		s.flash, s.notice = msg.flash, msg.notice
		return nil
	case spinner.TickMsg:
		if !s.check.running {
			return nil
		}
		var cmd tea.Cmd
		s.check.spinner, cmd = s.check.spinner.Update(msg)
		return cmd
	}
	return h.update(msg)
}

// routeKey gives a key to the child that has the screen, else to the
// screen itself.
func (s *screen) routeKey(k tea.KeyMsg, h screenHost) tea.Cmd {
	if cmd, ok := h.modal(k); ok {
		return cmd
	}
	switch {
	case s.exportTo.open:
		return s.exportTo.take(k, s.c, &s.flash, h.exportCmd)
	case s.explore.open && s.explore.owns(k):
		return s.explore.take(k, h.explorerInput(), &s.flash)
	}
	return h.key(k)
}

// followRun lets an open explorer catch up with the run.
func (s *screen) followRun(h screenHost) tea.Cmd {
	if !s.explore.open {
		return nil
	}
	var cmd tea.Cmd
	s.explore, cmd = s.explore.Update(nil, h.explorerInput())
	return cmd
}

// openExplorer opens (or switches to) one of its views.
func (s *screen) openExplorer(v explorerView, h screenHost) tea.Cmd {
	s.explore = s.explore.show(v, h.explorerInput())
	var cmd tea.Cmd
	s.explore, cmd = s.explore.Update(nil, h.explorerInput())
	return cmd
}

// cancelCheck is esc while the checker works.
func (s *screen) cancelCheck() {
	s.check.cancelByUser()
	s.flash = "check cancelled; c checks again"
}

// nextPane moves the focus on, skipping panes that cannot take it in
// layout lay (side: the left pane can, as the lesson's text does).
func (s *screen) nextPane(lay lessonLayout, side bool) {
	for range paneCount {
		s.focus = (s.focus + 1) % paneCount
		if paneShown(s.focus, lay, side) {
			return
		}
	}
}

// paneShown reports whether a pane can take the focus in layout lay: the
// box under the panes when it scrolls, the left pane when it is on the
// screen and side says it can.
func paneShown(p pane, lay lessonLayout, side bool) bool {
	switch p {
	case paneText:
		return side && lay.textW > 0
	case paneBottom:
		return lay.bottomOverflow
	}
	return true
}

// scrollPane moves the focused pane by n lines: the node the fault keys act
// on (of nodes), the history (histLen records, rows shown), or the box
// under the panes.
func (s *screen) scrollPane(n, nodes, histLen, rows int) {
	switch s.focus {
	case paneCluster:
		s.nodeCursor = max(0, min(nodes-1, s.nodeCursor+n))
	case paneHistory:
		s.hist.scroll(n, histLen, rows)
	case paneBottom:
		s.bottomTop = max(0, s.bottomTop+n)
	}
}

// headerLine is a screen's first line: what is open on the left, what
// the run is (always in sight) on the right.
func (s *screen) headerLine(left, right string) string {
	st := s.c.styles
	left = cut(left, s.c.width-ansi.StringWidth(right)-1)
	gap := max(1, s.c.width-ansi.StringWidth(left)-ansi.StringWidth(right))
	return st.Title.Render(left) + strings.Repeat(" ", gap) + st.Bold.Render(right)
}

// statusOf is where the run is (info), then what the last key did, or
// idle when it did nothing to say; the export prompt takes its place
// while a folder is typed.
func (s *screen) statusOf(info, idle string) string {
	if s.exportTo.open {
		return s.exportTo.View(s.c)
	}
	msg := s.flash
	if msg == "" {
		msg = idle
	}
	if msg != "" {
		info += " · " + msg
	}
	return cut(info, s.c.width)
}

// frame is what a screen puts in the frame: its header, the panes laid
// out, the box under them, its status line and its keys.
type frame struct {
	header string
	lay    lessonLayout
	side   func() string // the wide screen's left pane

	clusterTitle string
	clusterLines []string
	shown        history.History // the history pane's records
	upTo         string          // the moment the history is shown up to ("": now)

	bottomTitle string
	bottom      func(width int) ([]string, int) // the box under the panes, and its pinned lines

	status string
	keys   []key.Binding
}

// view draws a screen: header, panes, the box under them, the status line
// and the key bar.
func (s *screen) view(f frame) string {
	c, lay := s.c, f.lay
	cluster := c.box(f.clusterTitle, strings.Join(f.clusterLines, "\n"), lay.clusterW, lay.clusterH, s.focus == paneCluster)
	hist := c.box(s.hist.title(len(f.shown), f.upTo), strings.Join(s.hist.lines(c.styles, f.shown, lay.historyW-3, lay.historyH-2, s.check.witness), "\n"),
		lay.historyW, lay.historyH, s.focus == paneHistory)
	var body string
	if lay.stacked {
		body = lipgloss.JoinHorizontal(lipgloss.Top, f.side(), lipgloss.JoinVertical(lipgloss.Left, cluster, hist))
	} else {
		body = lipgloss.JoinHorizontal(lipgloss.Top, cluster, hist)
	}
	parts := []string{f.header, body}
	if lay.bottomH > 0 {
		lines, pinned := f.bottom(c.width - 3)
		parts = append(parts, scrollBox(c, f.bottomTitle, lines, pinned, lay.bottomH, &s.bottomTop, s.focus == paneBottom))
	}
	parts = append(parts, f.status, c.helpBar(f.keys))
	return fitBlock(strings.Join(parts, "\n"), c.width, c.height)
}
