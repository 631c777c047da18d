package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
)

// lessonLayout is where each part of the lesson screen goes. Widths and
// heights are outer sizes, borders included.
type lessonLayout struct {
	textW, rightW      int
	bodyH              int
	clusterH, historyH int
	bottomH            int
}

// chromeLines are the header, the status line and the help bar.
const chromeLines = 3

func (m *lessonModel) layout() lessonLayout {
	W, H := m.c.width, m.c.height
	var lay lessonLayout
	maxBottom := max(4, (H-chromeLines)/3)
	if m.check.result != nil && m.prompt.kind == promptNone {
		maxBottom = max(4, (H-chromeLines)*2/5) // the verdict is what matters now
	}
	if n := len(m.bottomLines(W-3, maxBottom-2)); n > 0 {
		lay.bottomH = min(n+2, maxBottom)
	}
	lay.bodyH = max(0, H-chromeLines-lay.bottomH)
	lay.textW = max(30, min(90, W*42/100))
	lay.rightW = max(0, W-lay.textW)
	lay.clusterH = m.run.s.Config().Nodes + 4
	if m.run.s.PartitionShape() == sim.ShapeRing {
		lay.clusterH++
	}
	lay.clusterH = max(0, min(lay.clusterH, lay.bodyH-5))
	lay.historyH = max(0, lay.bodyH-lay.clusterH)
	return lay
}

// historyRows is how many records the history pane shows.
func (m *lessonModel) historyRows() int { return max(1, m.layout().historyH-2) }

func (m *lessonModel) View() string {
	c := m.c
	if m.explorer != nil {
		return m.explorer.View(m)
	}
	lay := m.layout()
	textBox := c.boxPad("lesson "+fmt.Sprint(m.l.Number)+m.textScroll(), m.text.View(), lay.textW, lay.bodyH, m.focus == paneText, 0)
	cluster := c.box(m.clusterTitle(), strings.Join(m.clusterLines(lay.rightW-3), "\n"), lay.rightW, lay.clusterH, m.focus == paneCluster)
	hist := c.box(m.historyTitle(), strings.Join(m.historyLines(lay.rightW-3, lay.historyH-2), "\n"), lay.rightW, lay.historyH, m.focus == paneHistory)
	body := lipgloss.JoinHorizontal(lipgloss.Top, textBox, lipgloss.JoinVertical(lipgloss.Left, cluster, hist))

	parts := []string{m.header(), body}
	if lay.bottomH > 0 {
		title, _ := m.bottomTitle()
		parts = append(parts, c.box(title, strings.Join(m.bottomLines(c.width-3, lay.bottomH-2), "\n"), c.width, lay.bottomH, false))
	}
	parts = append(parts, m.statusLine(), c.helpBar(c.keys.lessonShort()))
	return fitBlock(strings.Join(parts, "\n"), c.width, c.height)
}

func (m *lessonModel) textScroll() string {
	if m.text.TotalLineCount() <= m.text.Height {
		return ""
	}
	return fmt.Sprintf(" · %d%%", int(m.text.ScrollPercent()*100))
}

// header names the lesson and always shows the variant and the seed.
func (m *lessonModel) header() string {
	st := m.c.styles
	right := fmt.Sprintf("variant %s · seed %d ", m.variant, m.seed)
	left := fmt.Sprintf(" faultline › %d. %s", m.l.Number, m.l.Title)
	left = cut(left, m.c.width-ansi.StringWidth(right)-1)
	gap := max(1, m.c.width-ansi.StringWidth(left)-ansi.StringWidth(right))
	return st.Title.Render(left) + strings.Repeat(" ", gap) + st.Bold.Render(right)
}

// statusLine shows where the run is, and what the last key did (or the
// last event, while stepping).
func (m *lessonModel) statusLine() string {
	if p := m.exportPromptLine(); p != "" {
		return p // e: the folder is being typed
	}
	st := m.c.styles
	s := m.run.s
	var state string
	switch {
	case !m.run.started:
		state = "ready"
	case s.Err() != nil:
		state = "stopped"
	case m.run.done():
		state = "finished"
	case m.run.playing:
		state = "playing " + speedLabel(m.speed)
	default:
		state = "paused " + speedLabel(m.speed)
	}
	ops := s.Config().Ops
	info := fmt.Sprintf(" %s · %s · step %d · ops %d/%d", st.Bold.Render(state), fmtSeconds(s.Now()), s.Steps(), m.run.invokes, ops)
	if res := m.check.result; res != nil && m.prompt.kind != promptNone {
		info += " · " + verdictWord(st, res.Verdict)
	}
	msg := m.flash
	if msg == "" && m.run.started && !m.run.playing {
		msg = m.run.last
	}
	if msg != "" {
		info += " · " + msg
	}
	return cut(info, m.c.width)
}

func fmtSeconds(ns int64) string { return fmt.Sprintf("%.3fs", float64(ns)/1e9) }

func verdictWord(st *Styles, v checker.Verdict) string {
	switch v {
	case checker.Linearizable:
		return st.Good.Render("LINEARIZABLE")
	case checker.NotLinearizable:
		return st.Error.Render("NOT LINEARIZABLE")
	}
	return st.Warn.Render("UNKNOWN")
}

func (m *lessonModel) bottomTitle() (string, bool) {
	switch {
	case m.prompt.kind == promptPredict:
		return "predict", true
	case m.prompt.kind == promptQuiz:
		return "quiz", true
	case m.check.running:
		return "checking", true
	case m.check.result != nil || m.check.err != nil || m.check.cancelled:
		return "verdict", true
	case !m.run.started:
		return "start here", true
	}
	return "", false
}

// bottomLines is the content of the box under the panes: a question, the
// check in progress, or the verdict. At most max lines; the explanation
// gives way first.
func (m *lessonModel) bottomLines(width, maxLines int) []string {
	c, st := m.c, m.c.styles
	if width <= 0 || maxLines <= 0 {
		return nil
	}
	add := func(out []string, s string) []string { return append(out, strings.Split(wrap(s, width), "\n")...) }
	var out []string
	switch {
	case m.prompt.kind != promptNone:
		out = m.prompt.lines(c, m.l.Text, width)
	case m.check.running:
		p := m.check.progress
		line := fmt.Sprintf("%s checking %d history records against the %s model…", m.check.spinner.View(), m.check.ops, m.l.Model)
		if t := p.total.Load(); t > 0 {
			line += fmt.Sprintf(" (%d of %d parts)", p.done.Load(), t)
		}
		out = add(out, line+"  esc cancels.")
	case m.check.cancelled:
		out = add(out, "Check cancelled. c checks again.")
	case m.check.err != nil:
		out = add(out, st.Error.Render("The checker could not check this history: ")+m.check.err.Error())
	case m.check.result != nil:
		out = m.verdictLines(width, maxLines)
	case !m.run.started:
		out = add(out, "Press r to run this lesson with its default faults — or press fault keys first (p k z s h) to add your own from the first moment.")
		out = add(out, st.Dim.Render("tab moves between panes (↑/↓ scroll the one in focus; in the cluster they choose the node k, z and s act on). ? lists every key."))
	}
	if len(out) > maxLines {
		out = out[:maxLines]
	}
	return out
}

// verdictLines: the verdict in words that need no colour, the anomaly, the
// explanation, where the witness is, and what to do next.
func (m *lessonModel) verdictLines(width, maxLines int) []string {
	c, st := m.c, m.c.styles
	res := m.check.result
	wrapped := func(s string) []string { return strings.Split(wrap(s, width), "\n") }
	scope := "the whole run"
	if !m.check.full {
		scope = "the history so far"
	}
	head := verdictWord(st, res.Verdict)
	switch res.Verdict {
	case checker.NotLinearizable:
		if res.Anomaly != "" {
			head += " — " + st.Bold.Render(res.Anomaly)
		}
	case checker.Linearizable:
		head += " — every operation fits one order that respects real time"
	default:
		head += fmt.Sprintf(" — the checker ran out of time (%s) before deciding", checkTimeout)
	}
	head += st.Dim.Render(fmt.Sprintf(" (%s, %s, %d operations)", m.check.variant, scope, res.Ops))
	sec := make([][]string, secCount)
	sec[secHead] = wrapped(head)
	sec[secExplain] = wrapped(res.Explanation)
	if res.Explanation == "" {
		sec[secExplain] = nil
	}
	if res.Verdict == checker.NotLinearizable {
		sec[secWitness] = wrapped(fmt.Sprintf("Witness: %d records, marked > in the history (! the failing one) · w: witness · t: history", len(res.Witness)))
	}
	var predShort string
	if p := c.progress.get(m.l.ID); p.Predicted != nil && m.check.full {
		if r, short := predictionReveal(c, m.l.Text, *p.Predicted); r != "" {
			sec[secPredict] = wrapped(r)
			predShort = cut(short, width)
		}
	}
	if n := m.nextStep(); n != "" {
		sec[secNext] = wrapped(st.Bold.Render("Next: ") + n)
	}
	if m.quizOffered() && !m.quizDone {
		sec[secQuiz] = wrapped(fmt.Sprintf("Quiz: %d short questions on this lesson — enter starts it (or skip it).", len(m.l.Text.Quiz)))
	}
	shrinkSections(sec, maxLines, st.Dim.Render("… (w: all)"), predShort)
	var out []string
	for _, lines := range sec {
		out = append(out, lines...)
	}
	return out
}

// The parts of the verdict box, in the order they are shown.
const (
	secHead = iota
	secExplain
	secWitness
	secPredict
	secNext
	secQuiz
	secCount
)

// shrinkSteps say what gives way when the verdict box has too little room,
// in turn: a section and the lines it keeps.
var shrinkSteps = []struct{ sec, keep int }{
	{secExplain, 3}, {secPredict, 1}, {secExplain, 2}, {secPredict, 0}, {secWitness, 1},
	{secExplain, 1}, {secQuiz, 0}, {secExplain, 0}, {secWitness, 0}, {secNext, 1}, {secHead, 1},
}

// shrinkSections cuts sections until they fit in maxLines; a section cut
// short ends with more (a hint to see the rest).
func shrinkSections(sec [][]string, maxLines int, more, predShort string) {
	total := func() int {
		n := 0
		for _, s := range sec {
			n += len(s)
		}
		return n
	}
	for _, step := range shrinkSteps {
		if total() <= maxLines {
			return
		}
		if lines := sec[step.sec]; len(lines) > step.keep {
			lines = lines[:step.keep]
			if step.keep == 1 && step.sec == secPredict {
				lines[0] = predShort
			}
			if step.keep > 0 && step.sec == secExplain {
				last := lines[step.keep-1]
				lines[step.keep-1] = ansi.Truncate(last, ansi.StringWidth(last)-ansi.StringWidth(more), "") + more
			}
			sec[step.sec] = lines
		}
	}
}
