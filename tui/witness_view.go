package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/faultline-lab/faultline/checker"
)

// witnessTimeline is the minimal witness as a timeline of its own: only
// its operations, as the witness sees them (an operation whose outcome came
// after the failure is open there), and the run's faults.
func (e *explorerModel) witnessTimeline() *timeline {
	lc := e.look
	res := e.in.check.result
	if res == nil || res.Verdict != checker.NotLinearizable || len(res.Witness) == 0 {
		return nil
	}
	if lc.wit != nil && lc.witFor == res {
		return lc.wit
	}
	tl := newTimeline()
	var end int64
	for _, o := range res.Witness {
		end = max(end, o.Time)
	}
	tl.absorb(res.Witness, e.in.src.faults(), end)
	lc.wit, lc.witFor = tl, res
	return tl
}

// witnessFailing is the witness's failing operation (or its first).
func (e *explorerModel) witnessFailing() int32 {
	tl := e.witnessTimeline()
	if tl == nil || len(tl.ops) == 0 {
		return -1
	}
	if i := e.in.check.failingIndex(); i >= 0 {
		for id, o := range tl.ops {
			if tl.h[o.inv].Index == i {
				return int32(id)
			}
		}
	}
	return 0
}

func (e *explorerModel) witnessKey(k tea.KeyMsg) {
	tl, keys := e.witnessTimeline(), e.in.c.keys
	if tl == nil || len(tl.ops) == 0 {
		return
	}
	n := int32(len(tl.ops))
	if e.witCursor < 0 {
		e.witCursor = 0
	}
	switch {
	case key.Matches(k, keys.NextOp, keys.Right):
		e.witCursor = (e.witCursor + 1) % n
	case key.Matches(k, keys.PrevOp, keys.Left):
		e.witCursor = (e.witCursor + n - 1) % n
	case key.Matches(k, keys.Up, keys.Down):
		li := tl.lane(e.witCursor) + 1
		if key.Matches(k, keys.Up) {
			li -= 2
		}
		if li >= 0 && li < len(tl.lanes) {
			e.witCursor = tl.lanes[li].ops[0]
		}
	case key.Matches(k, keys.ZoomIn, keys.ZoomOut):
		e.flash = "the witness is drawn to fit the screen, a column per moment that matters; t zooms in the full timeline"
	}
	e.fromWitness()
}

// witnessView: the verdict and its explanation beside (or above) the
// witness's operations, the faults active then, and the selected
// operation's details.
func (e *explorerModel) witnessView() string {
	c, st := e.in.c, e.in.c.styles
	W := c.width
	out := []string{e.in.header}
	res := e.in.check.result
	tl := e.witnessTimeline()
	if tl == nil {
		msg := "No verdict yet: r runs it, and the checker looks at the history when the run ends (c checks the history so far)."
		switch {
		case e.in.check.running:
			msg = "The checker is still working; the witness comes with its verdict."
		case res != nil && res.Verdict != checker.NotLinearizable:
			msg = e.in.check.word(st, res.Verdict) + ": there is no witness, because nothing needs explaining."
		}
		out = append(out, st.Title.Render(" witness"), "")
		out = append(out, indentLines(wrapLines(msg, W-2), 1)...)
		return e.finish(out)
	}
	title := fmt.Sprintf(" witness · %s — %s · %d operations, %d records", e.in.check.word(st, res.Verdict), st.Bold.Render(res.Anomaly), len(tl.ops), len(res.Witness))
	out = append(out, cut(title, W))

	// The explanation goes beside the plot when the screen is wide.
	side, plotW, textW := besideWhenWide(W, W-1)
	explain := []string{st.Bold.Render("The witness: ") + fmt.Sprintf("%s (%d operations).", e.in.check.wordsOf().witness, len(tl.ops))}
	if res.Explanation != "" {
		explain = append(explain, "", res.Explanation)
	}
	if !res.WitnessMinimal {
		explain = append(explain, st.Dim.Render("(The search for a smaller witness ran out of time.)"))
	}
	var text []string
	for _, p := range explain {
		text = append(text, wrapLines(p, textW)...)
	}

	times := make([]int64, 0, len(res.Witness))
	for _, o := range res.Witness {
		times = append(times, o.Time)
	}
	ax := ordinalAxis(times, plotW-gutterW)
	lanes := make([]int, len(tl.lanes))
	for i := range lanes {
		lanes[i] = i
	}
	bands := tl.bandsIn(ax.from(), ax.to())
	bandRows := min(3, len(bands))
	cv := newCanvas(plotW, 1+bandRows+len(lanes))
	var moment int64 = -1
	if e.witCursor >= 0 && int(e.witCursor) < len(tl.ops) {
		moment = tl.ops[e.witCursor].start
	}
	used := drawPlot(cv, 0, plot{tl: tl, ax: ax, lanes: lanes, bandRows: bandRows, cursor: e.witCursor,
		moment: moment, mark: e.markIn(tl), openAsInfo: true})
	plotLines := cv.lines(st)[:used]
	// The faults the checker found in force during the witness's
	// operations, not those the plot's columns happen to span.
	faults := st.Dim.Render("No fault was in force during these operations: the database got this wrong on its own.")
	if len(res.Faults) > 0 {
		var names []string
		for _, f := range res.Faults {
			names = append(names, f.String())
		}
		faults = "Faults in force then: " + strings.Join(names, " · ")
	}
	plotLines = append(plotLines, wrapLines(faults, plotW-1)...)
	plotLines = append(plotLines, st.Dim.Render(cut(legend(plotW-1), plotW-1)))

	details := indentLines(e.opDetails(W-2), 1)
	hint := " " + st.Dim.Render(cut("enter: this operation in the full timeline · m: the messages around it · tab: the next operation", W-2))
	if side {
		left := e.in.c.styles.r.NewStyle().Width(plotW + 2).Render(strings.Join(plotLines, "\n"))
		right := strings.Join(text, "\n")
		out = append(out, strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, left, " ", right), "\n")...)
	} else {
		// On a short screen the explanation gives way first, so that the
		// plot and the details stay.
		room := c.height - 2 - len(out) - 1 - len(plotLines) - 1 - len(details) - 1
		if len(text) > max(1, room) {
			text = append(text[:max(1, room)-1:max(1, room)-1], st.Dim.Render("… (a taller window shows the whole explanation)"))
		}
		out = append(out, indentLines(text, 1)...)
		out = append(out, "")
		out = append(out, plotLines...)
	}
	out = append(out, "")
	out = append(out, details...)
	out = append(out, hint)
	return e.finish(out)
}
