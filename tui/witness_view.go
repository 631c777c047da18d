package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
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
	if lc.wit != nil && lc.witFor == res && lc.witAll == e.witAll {
		return lc.wit
	}
	tl := newTimeline()
	tl.names = e.in.src.ownerName
	var end int64
	for _, o := range res.Witness {
		end = max(end, o.Time)
	}
	tl.absorb(e.witnessDrawn(res), e.in.src.faults(), end)
	lc.wit, lc.witFor, lc.witAll = tl, res, e.witAll
	return tl
}

// witnessDrawn is the part of the witness the view draws: all of it, or,
// for a witness the checker grouped, its last few operations until the
// learner asks for every one (a).
func (e *explorerModel) witnessDrawn(res *checker.Result) history.History {
	if groups, _ := witnessGroups(res); groups != nil && !e.witAll {
		return checker.LastOps(res.Witness, witnessDrawn)
	}
	return res.Witness
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
	case key.Matches(k, keys.Chatter):
		groups, _ := witnessGroups(e.in.check.result)
		if groups == nil {
			e.flash = "the witness is drawn whole: it is short enough"
			break
		}
		e.witAll = !e.witAll
		e.witCursor = e.witnessFailing()
		e.flash = fmt.Sprintf("the witness: the last %d operations drawn, the groups say what the others did", witnessDrawn)
		if e.witAll {
			e.flash = fmt.Sprintf("the witness: all %d operations drawn", invocations(e.in.check.result.Witness))
		}
		return
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
	ops := invocations(res.Witness)
	title := fmt.Sprintf(" witness · %s — %s · %d operations, %d records", e.in.check.word(st, res.Verdict), st.Bold.Render(res.Anomaly), ops, len(res.Witness))
	out = append(out, cut(title, W))

	// The explanation goes beside the plot when the screen is wide.
	side, plotW, textW := besideWhenWide(W, W-1)
	groups, rest := witnessGroups(res)
	what := e.in.check.wordsOf().witness
	if !res.WitnessMinimal && what == linearizabilityWords.witness {
		// "smallest" is proved only of a minimal witness.
		what = "a part of the history that is still not linearizable"
	}
	text := wrapLines(st.Bold.Render("The witness: ")+fmt.Sprintf("%s (%d operations).", what, ops), textW)
	if groups != nil {
		text = append(text, groupedLines("In groups, as the checker found them:", groups, textW)...)
	}
	keep := len(text) // the witness at a glance: what a short screen keeps
	if rest != "" {
		text = append(text, "")
		text = append(text, wrapLines(rest, textW)...)
	}
	if !res.WitnessMinimal {
		// The checker says why (Result.Reason): a step budget, the same on
		// every machine, or the machine's limits.
		why := "The search for a smaller witness stopped early"
		if res.Reason != "" {
			why += ": " + res.Reason
		}
		text = append(text, wrapLines(st.Dim.Render("("+why+"; a smaller one may exist.)"), textW)...)
	}

	times := make([]int64, 0, len(tl.h))
	for _, o := range tl.h {
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
	if groups != nil {
		drawn := fmt.Sprintf("The last %d of the %d operations drawn · a draws every one", len(tl.ops), ops)
		if e.witAll {
			drawn = fmt.Sprintf("All %d operations drawn · a draws the last %d", ops, witnessDrawn)
		}
		plotLines = append(plotLines, st.Dim.Render(cut(drawn, plotW-1)))
	}
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
	faultLines := wrapLines(faults, plotW-1)
	legendLine := st.Dim.Render(cut(legend(plotW-1), plotW-1))

	details := indentLines(e.opDetails(W-2), 1)
	hint := " " + st.Dim.Render(cut("enter: this operation in the full timeline · m: the messages around it · tab: the next operation", W-2))
	if side {
		plotLines = append(append(plotLines, faultLines...), legendLine)
		left := e.in.c.styles.r.NewStyle().Width(plotW + 2).Render(strings.Join(plotLines, "\n"))
		right := strings.Join(text, "\n")
		out = append(out, strings.Split(lipgloss.JoinHorizontal(lipgloss.Top, left, " ", right), "\n")...)
	} else {
		// On a short screen the explanation gives way first, so that the
		// plot and the details stay; but a grouped witness's groups stay
		// too, and the list of faults shrinks to a line for them (the
		// timeline shows every fault), then the legend goes (it is in ?).
		fixed := c.height - 2 - len(out) - 1 - len(plotLines) - 1 - len(details) - 1
		if fixed-len(faultLines)-1 < keep && len(faultLines) > 1 {
			faultLines = []string{cut(faults, plotW-1)}
		}
		plotLines = append(plotLines, faultLines...)
		room := fixed - len(faultLines)
		if room-1 >= keep {
			plotLines = append(plotLines, legendLine)
			room--
		}
		if n := max(keep+1, room); len(text) > n {
			text = append(text[:n-1:n-1], st.Dim.Render("… (a taller window shows the whole explanation)"))
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
