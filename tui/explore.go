package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
)

// explorerView is one of the full-screen views over a run. These are the
// simple versions: the history as a list (t), the witness as text (w) and
// the trace as a list (m). The history explorer issue replaces each with
// its richer view behind the same keys.
type explorerView uint8

const (
	viewHistory explorerView = iota
	viewWitness
	viewMessages
)

var explorerTitles = [...]string{
	viewHistory:  "history",
	viewWitness:  "witness",
	viewMessages: "messages",
}

// explorerModel scrolls through one view. Lines are formatted only when
// visible, so a long history or trace opens at once, and a run that goes on
// playing behind the view shows up in it.
type explorerModel struct {
	view          explorerView
	top           int // first line shown; -1 follows the end
	width, height int
	static        []string // the witness view's lines
}

func (m *lessonModel) openExplorer(v explorerView) {
	e := &explorerModel{view: v, top: -1}
	e.resize(m.c.width, m.c.height)
	switch v {
	case viewHistory:
		if i := m.check.failingIndex(); i >= 0 {
			e.top = max(0, int(i)-e.rows()/2)
		}
	case viewWitness:
		e.static = m.witnessLines(e.width - 2)
		e.top = 0
	case viewMessages:
		if i := m.check.failingIndex(); i >= 0 {
			at := m.run.s.History()[i].Time
			tr := m.run.s.Trace()
			for j, ev := range tr {
				if ev.Time >= at {
					e.top = max(0, j-e.rows()/2)
					break
				}
			}
		}
	}
	m.explorer = e
}

func (e *explorerModel) resize(w, h int) { e.width, e.height = w, h }

// rows is how many lines the view shows: all but the header, the view's
// title, the status line and the help bar.
func (e *explorerModel) rows() int { return max(1, e.height-4) }

func (e *explorerModel) count(m *lessonModel) int {
	switch e.view {
	case viewHistory:
		return len(m.run.s.History())
	case viewMessages:
		return len(m.run.s.Trace())
	}
	return len(e.static)
}

func (e *explorerModel) line(m *lessonModel, i, width int) string {
	switch e.view {
	case viewHistory:
		o := m.run.s.History()[i]
		return renderRecord(m.c.styles, o, m.check.witness[o.Index], width)
	case viewMessages:
		return cut(formatTrace(m.run.s.Trace()[i]), width)
	}
	return cut(e.static[i], width)
}

func (m *lessonModel) explorerKey(k tea.KeyMsg) tea.Cmd {
	e, keys := m.explorer, m.c.keys
	switch {
	case key.Matches(k, keys.Esc, keys.Quit):
		m.explorer = nil
	case key.Matches(k, keys.Up):
		e.scroll(m, -1)
	case key.Matches(k, keys.Down):
		e.scroll(m, 1)
	case key.Matches(k, keys.PageUp):
		e.scroll(m, -e.rows()+1)
	case key.Matches(k, keys.PageDown):
		e.scroll(m, e.rows()-1)
	case key.Matches(k, keys.Timeline):
		m.openExplorer(viewHistory)
	case key.Matches(k, keys.Witness):
		m.openExplorer(viewWitness)
	case key.Matches(k, keys.Messages):
		m.openExplorer(viewMessages)
	case key.Matches(k, keys.Tab, keys.Enter, keys.Answer):
	default:
		// The run's keys keep working behind the view: pause it, step it,
		// add a fault, and watch the messages change.
		return m.key(k)
	}
	return nil
}

func (e *explorerModel) scroll(m *lessonModel, n int) {
	total, rows := e.count(m), e.rows()
	top := e.top
	if top < 0 {
		top = max(0, total-rows)
	}
	top = max(0, min(top+n, total-rows))
	e.top = top
	if e.view != viewWitness && top >= total-rows {
		e.top = -1
	}
}

func (e *explorerModel) View(m *lessonModel) string {
	c, st := m.c, m.c.styles
	total, rows := e.count(m), e.rows()
	top := e.top
	if top < 0 || top > total-rows {
		top = max(0, total-rows)
	}
	var b strings.Builder
	b.WriteString(m.header() + "\n")
	title := fmt.Sprintf(" %s · lines %d–%d of %d", explorerTitles[e.view], min(total, top+1), min(total, top+rows), total)
	b.WriteString(st.Title.Render(cut(title, c.width)) + "\n")
	shown := 0
	for i := top; i < total && shown < rows; i++ {
		b.WriteString(" " + e.line(m, i, c.width-2) + "\n")
		shown++
	}
	if total == 0 {
		b.WriteString(" " + st.Dim.Render("Nothing here yet: r runs the lesson.") + "\n")
		shown++
	}
	for ; shown < rows; shown++ {
		b.WriteString("\n")
	}
	b.WriteString(m.statusLine() + "\n")
	b.WriteString(c.helpBar(c.keys.explorerShort()))
	return fitBlock(b.String(), c.width, c.height)
}

// witnessLines: the verdict, its explanation, the witness's records and
// the faults that were in force up to its end.
func (m *lessonModel) witnessLines(width int) []string {
	st := m.c.styles
	res := m.check.result
	wrapped := func(s string) []string { return strings.Split(wrap(s, width), "\n") }
	switch {
	case m.check.running:
		return wrapped("The checker is still working; the witness comes with its verdict.")
	case res == nil:
		return wrapped("No verdict yet: r runs the lesson, and the checker looks at the history when the run ends (c checks the history so far).")
	case res.Verdict != checker.NotLinearizable:
		return wrapped(verdictWord(st, res.Verdict) + ": there is no witness, because nothing needs explaining.")
	}
	out := wrapped(verdictWord(st, res.Verdict) + " — " + st.Bold.Render(res.Anomaly))
	out = append(out, "")
	out = append(out, wrapped(res.Explanation)...)
	out = append(out, "", st.Bold.Render(fmt.Sprintf("The witness: %d records, a part of the history that is still not linearizable", len(res.Witness))))
	var end int64
	for _, o := range res.Witness {
		out = append(out, renderRecord(st, o, m.check.witness[o.Index], width))
		end = max(end, o.Time)
	}
	if !res.WitnessMinimal {
		out = append(out, st.Dim.Render("(the search for a smaller witness ran out of time)"))
	}
	var faults []string
	for _, o := range m.run.s.History() {
		if o.Time > end {
			break
		}
		if o.IsNemesis() {
			faults = append(faults, renderRecord(st, o, markNone, width))
		}
	}
	if len(faults) > 0 {
		out = append(out, "", st.Bold.Render("Faults up to the end of the witness"))
		out = append(out, faults[max(0, len(faults)-6):]...)
	}
	out = append(out, "", st.Dim.Render("t opens the whole history at the failing operation; m the messages around it."))
	return out
}

// formatTrace is one trace event on one line.
func formatTrace(e sim.TraceEvent) string {
	return fmt.Sprintf("%7.3f %-9s %s", float64(e.Time)/1e9, e.Kind, strings.TrimPrefix(describeEvent(e), e.Kind.String()+" "))
}
