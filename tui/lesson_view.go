package tui

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/checker"
)

// lessonLayout is where each part of the lesson screen goes. Widths and
// heights are outer sizes, borders included. Wide, the text is a pane
// beside the cluster and the history; narrow, the cluster picture and the
// history share the screen and the text is read full screen (l).
type lessonLayout struct {
	textW              int // 0: no text pane
	clusterW, historyW int
	clusterH, historyH int
	stacked            bool // cluster above history (wide) or beside it
	bodyH              int
	bottomH            int
	bottomOverflow     bool // the box under the panes scrolls
}

// chromeLines are the header, the status line and the key bar.
const chromeLines = 3

// wideLayout is the width from which the text has a pane of its own.
const wideLayout = 120

// minBody is the least height the panes keep when the box under them
// grows.
const minBody = 11

func (m *lessonModel) layout() lessonLayout { return m.layoutWith(m.clusterPane) }

// layoutWith is layout with the cluster pane from pane: View passes the
// pane it draws, so that it is made once a frame.
func (m *lessonModel) layoutWith(pane func() clusterPane) lessonLayout {
	W := m.c.width
	lines, _ := m.bottomLines(W - 3)
	need, least := clusterNeed(m.c.styles, W, pane), minBody
	if m.prompt.kind != promptNone && W < wideLayout {
		// A question asked shows all its choices and its feedback: the
		// panes above give way to it, down to a few lines.
		least = clampInt(m.c.height-chromeLines-len(lines)-2, promptBody, minBody)
		need = min(need, least-2)
	}
	return screenLayoutLeast(W, m.c.height, need, len(lines), max(36, min(90, W*36/100)), least)
}

// clusterNeed is the lines the cluster pane asks for at screen width W.
// Only the narrow layout sizes its panes by them: wide, the pane is not
// made (0).
func clusterNeed(st *Styles, W int, pane func() clusterPane) int {
	if W >= wideLayout {
		return 0
	}
	return pane().need(st, W*3/5-3)
}

// promptBody is the least height the panes keep under a question (their
// borders: the longest quiz feedback needs all the rest at 80×24).
const promptBody = 2

// screenLayout lays out a screen of panes W×H: the cluster (needing
// clusterNeed lines at three fifths of the width) and the history, a box
// of bottomLines under them, and, wide, a pane of sideW on the left.
func screenLayout(W, H, clusterNeed, bottomLines, sideW int) lessonLayout {
	return screenLayoutLeast(W, H, clusterNeed, bottomLines, sideW, minBody)
}

// screenLayoutLeast is screenLayout with the panes keeping at least least
// lines.
func screenLayoutLeast(W, H, clusterNeed, bottomLines, sideW, least int) lessonLayout {
	var lay lessonLayout
	body := minBody
	if W < wideLayout {
		// The cluster's key state is never cut: the panes keep the height
		// the cluster needs, and the box under them scrolls instead.
		body = clampInt(clusterNeed+2, least, H-chromeLines-6)
	}
	maxBottom := max(4, H-chromeLines-body)
	if n := bottomLines; n > 0 {
		lay.bottomH = min(n+2, maxBottom)
		lay.bottomOverflow = n > lay.bottomH-2
	}
	lay.bodyH = max(0, H-chromeLines-lay.bottomH)
	if W >= wideLayout {
		lay.textW = sideW
		lay.stacked = true
		lay.clusterW, lay.historyW = W-lay.textW, W-lay.textW
		lay.clusterH = max(0, min(lay.bodyH-4, lay.bodyH*3/5))
		lay.historyH = lay.bodyH - lay.clusterH
		return lay
	}
	lay.clusterW = W * 3 / 5
	lay.historyW = W - lay.clusterW
	lay.clusterH, lay.historyH = lay.bodyH, lay.bodyH
	return lay
}

// clusterPane is the cluster as the player shows it, with the node the
// fault keys act on.
func (m *lessonModel) clusterPane() clusterPane { return m.play.clusterPane(m.nodeCursor, m.own) }

// historyRows is how many records the history pane shows.
func (m *lessonModel) historyRows() int { return max(1, m.layout().historyH-2) }

func (m *lessonModel) View() string {
	c := m.c
	if m.explore.open {
		return m.explore.View(m.explorerInput())
	}
	if m.reader.open {
		return m.reader.View(c, m.header())
	}
	pane := m.clusterPane()
	lay := m.layoutWith(func() clusterPane { return pane })
	upTo := ""
	if m.play.back.on {
		upTo = fmtSeconds(m.play.back.at)
	}
	return m.view(frame{
		header: m.header(), lay: lay,
		side: func() string {
			return c.boxPad("lesson "+fmt.Sprint(m.l.Number)+m.textPane.scrollNote(), m.textPane.view.View(), lay.textW, lay.bodyH, m.focus == paneText, 0)
		},
		clusterTitle: pane.title(), clusterLines: pane.lines(c.styles, lay.clusterW-3, lay.clusterH-2),
		shown: m.play.run.s.History()[:m.play.historyLen()], upTo: upTo,
		// The question, check or verdict under the panes: when it has more
		// lines than room, it scrolls (tab, then ↑ ↓), and its last line —
		// what to press next — always shows.
		bottomTitle: m.bottomTitle(), bottom: m.bottomLines,
		status: m.statusLine(), keys: m.shortKeys(),
	})
}

// scrollBox is a box under the panes, height lines tall overall: when its
// lines do not fit, they scroll from *top, and the last pinned lines —
// what to press next — always show.
func scrollBox(c *common, title string, lines []string, pinned, height int, top *int, focused bool) string {
	room := height - 2
	pinned = min(pinned, room-1)
	if len(lines) > room && room >= 2 {
		last := lines[len(lines)-pinned:]
		body := lines[:len(lines)-pinned]
		show := room - pinned
		*top = max(0, min(*top, len(body)-show))
		shown := body[*top : *top+show]
		title += fmt.Sprintf(" · lines %d–%d of %d · tab here, then ↑ ↓", *top+1, *top+show, len(body))
		lines = append(append([]string(nil), shown...), last...)
	}
	return c.box(title, strings.Join(lines, "\n"), c.width, height, focused)
}

// header names the lesson and always shows the variant and the seed.
func (m *lessonModel) header() string {
	right := fmt.Sprintf("variant %s · seed %d ", m.variant, m.seed)
	if m.own {
		right = "your faults only · " + right
	}
	return m.headerLine(fmt.Sprintf(" faultline › %d. %s", m.l.Number, m.l.Title), right)
}

// statusLine shows where the run is, and what the last key did (or the
// last event, while stepping).
func (m *lessonModel) statusLine() string {
	info := m.play.where(m.c.styles)
	if res := m.check.result; res != nil && m.prompt.kind != promptNone {
		info += " · " + m.check.word(m.c.styles, res.Verdict)
	}
	return m.statusOf(info, m.play.lastEvent())
}

func fmtSeconds(ns int64) string { return fmt.Sprintf("%.3fs", float64(ns)/1e9) }

func verdictWord(st *Styles, v checker.Verdict) string { return verdictIn(st, v, linearizabilityWords) }

// verdictIn is a verdict in the words of its check.
func verdictIn(st *Styles, v checker.Verdict, w verdictWords) string {
	switch v {
	case checker.Linearizable:
		return st.Good.Render(w.pass)
	case checker.NotLinearizable:
		return st.Error.Render(w.fail)
	}
	return st.Warn.Render(w.unknown)
}

func (m *lessonModel) bottomTitle() string {
	switch {
	case m.prompt.kind == promptPredict:
		return "predict"
	case m.prompt.kind == promptQuiz:
		return "quiz"
	case len(m.notice) > 0 && strings.HasPrefix(m.notice[0], "Exported"):
		return "exported"
	case len(m.notice) > 0:
		return "next run"
	case m.check.running:
		return "checking"
	case m.check.result != nil || m.check.err != nil || m.check.cancelled:
		return "verdict"
	case !m.play.run.started:
		return "start here"
	}
	return ""
}

// bottomLines is the content of the box under the panes: a question, an
// export's files, the check in progress, or the verdict. Its last pinned
// lines say what to press next: they stay when the rest scrolls.
func (m *lessonModel) bottomLines(width int) ([]string, int) {
	c, st := m.c, m.c.styles
	if width <= 0 {
		return nil, 0
	}
	var out []string
	pinned := 1
	add := func(s string) { out = append(out, wrapLines(s, width)...) }
	switch {
	case m.prompt.kind != promptNone:
		out, pinned = m.prompt.lines(c, m.l.Text, width)
	case len(m.notice) > 0:
		for _, n := range m.notice {
			add(n)
		}
	case m.check.running:
		p := m.check.progress
		line := fmt.Sprintf("%s checking %d history records against the %s model…", m.check.spinner.View(), m.check.ops, m.l.Model)
		if t := p.total.Load(); t > 0 {
			line += fmt.Sprintf(" (%d of %d parts)", p.done.Load(), t)
		}
		add(line + "  esc cancels.")
	case m.check.cancelled:
		add("Check cancelled. c checks again.")
	case m.check.err != nil:
		add(st.Error.Render("The checker could not check this history: ") + m.check.err.Error())
	case m.check.result != nil:
		out, pinned = m.verdictPanel().lines(width)
	case !m.play.run.started:
		add("Press r to run this lesson with its default faults — or press fault keys first (p k z s h) to add your own from the first moment; o turns the lesson's own faults off.")
		if m.c.width < wideLayout {
			add("l reads the lesson text full screen.")
		}
		add(st.Dim.Render("Playback stops where the history first breaks. tab moves between panes (in the cluster, ↑ ↓ choose the node k, z and s act on). ? lists every key."))
	}
	return out, pinned
}
