package tui

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/lessons"
)

// verdictPanel is what the box under the panes says after a check, built
// from the facts of the screen it is handed (read only), never from the
// screen itself.
type verdictPanel struct {
	c     *common
	l     *lessons.Lesson
	text  lessonText
	seed  uint64
	check *checkState
	// ahead is the run's outcome computed before playback reached it (nil:
	// none for this run); stopped says the screen stands at its break.
	ahead   *aheadOutcome
	stopped bool
	runDone bool
	// faults says what r runs with next: "the same seed and schedule, …".
	faults string
	quiz   bool // the quiz is offered, and not yet taken this visit
}

// verdictPanel hands the panel what it may read of the screen.
func (m *lessonModel) verdictPanel() verdictPanel {
	v := verdictPanel{c: m.c, l: m.l, text: m.text, seed: m.seed, check: &m.check, runDone: m.play.run.done(),
		faults: sameFaults(m.play.run.sc.Faults, m.own, m.play.carry()), quiz: m.quizOffered() && !m.quizDone}
	v.ahead, v.stopped = m.play.verdictAhead()
	return v
}

// lines: the verdict in words that need no colour, where the run broke
// and the state that mattered, the explanation, where the witness is, why
// a correct design held, the prediction, and what to do next (last, so it
// always shows).
func (m verdictPanel) lines(width int) ([]string, int) {
	c, st := m.c, m.c.styles
	res := m.check.result
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, wrapLines(s, width)...)
		}
	}
	scope := "the whole run"
	if !m.check.full {
		scope = "the history so far"
	}
	head := verdictWord(st, res.Verdict)
	tr, transactional := m.check.txnResult()
	switch {
	case transactional:
		head = txnVerdictHead(st, m.check, tr)
	case res.Verdict == checker.NotLinearizable:
		if res.Anomaly != "" {
			head += " — " + st.Bold.Render(res.Anomaly)
		}
	case res.Verdict == checker.Linearizable:
		head += " — every operation fits one order that respects real time"
	default:
		head += fmt.Sprintf(" — the checker ran out of time (%s) before deciding", checkTimeout)
	}
	if transactional {
		head += st.Dim.Render(fmt.Sprintf(" (%s, %s, %d transactions; found: %s)", m.check.variant, scope, len(tr.Txns), strings.Join(anomalyCounts(tr), ", ")))
	} else {
		head += st.Dim.Render(fmt.Sprintf(" (%s, %s, %d operations)", m.check.variant, scope, res.Ops))
	}
	add(head)
	if out := m.ahead; res.Verdict == checker.NotLinearizable && out != nil && out.story != "" {
		where := "Where it breaks"
		if m.stopped {
			where = "Stopped where it breaks"
		}
		add(st.Bold.Render(fmt.Sprintf("%s, at %s: ", where, fmtSeconds(out.stopAt))) + out.story + ".")
		if out.mattered != "" {
			add(st.Bold.Render("The state that mattered: ") + out.mattered + ".")
		}
	}
	groups, rest := witnessGroups(res)
	if groups != nil {
		out = append(out, groupedLines(st.Bold.Render("The witness, in groups:"), groups, width)...)
	}
	add(rest)
	if res.Verdict == checker.NotLinearizable && m.check.full {
		if broke := m.text.broke(m.check.variant); broke != "" {
			add(st.Bold.Render("What broke in "+m.check.variant+": ") + broke)
		}
	}
	switch {
	case res.Verdict == checker.NotLinearizable && transactional:
		add(fmt.Sprintf("The evidence: %d transactions, marked > in the history (! the last to complete) · w the cycle view · m the messages · t timeline", invocations(res.Witness)))
	case res.Verdict == checker.NotLinearizable:
		add(fmt.Sprintf("Witness: %d records, marked > in the history (! the failing one) · w witness · m the messages that carried it · t timeline", len(res.Witness)))
	}
	if res.Verdict == checker.Linearizable && m.check.full {
		add(m.whyHeld())
	}
	if p := c.progress.get(m.l.ID); p.Predicted != nil && m.check.full {
		full, _ := predictionReveal(c, m.l.Text, *p.Predicted)
		add(full)
	}
	if m.quiz {
		add(fmt.Sprintf("Quiz: %d short questions on this lesson — enter starts it (or skip it).", len(m.l.Text.Quiz)))
	}
	pinned := 0
	if n := m.nextStep(); n != "" {
		before := len(out)
		add(st.Bold.Render("Next: ") + n)
		pinned = len(out) - before
	}
	return out, pinned
}

// whyHeld says, under a pass, why the variant that ran held — or that a
// buggy one was not caught this time.
func (m verdictPanel) whyHeld() string {
	v := m.check.variant
	if why := m.text.held(v); why != "" {
		if !m.l.IsCorrect(v) {
			return m.c.styles.Bold.Render("Why this run of "+v+" held: ") + why
		}
		return m.c.styles.Bold.Render("Why "+v+" held: ") + why
	}
	if !m.l.IsCorrect(v) {
		return ""
	}
	for _, x := range m.l.Variants() {
		if x.Name == v && x.Summary != "" {
			return m.c.styles.Bold.Render("Why "+v+" held: ") + "its design — " + x.Summary + "."
		}
	}
	return ""
}

// vTo says which key presses reach the next variant with a bug (or
// without one) from the variant checked, the way v cycles: "v goes to
// fixed", "v twice goes to …". "" when there is none.
func (m verdictPanel) vTo(bug bool) string {
	vs := m.l.Variants()
	i := 0
	for j, v := range vs {
		if v.Name == m.check.variant {
			i = j
		}
	}
	for n := 1; n < len(vs); n++ {
		v := vs[(i+n)%len(vs)]
		if m.l.IsCorrect(v.Name) == bug {
			continue
		}
		switch n {
		case 1:
			return "v goes to " + v.Name
		case 2:
			return "v twice goes to " + v.Name
		}
		return fmt.Sprintf("v %d times goes to %s", n, v.Name)
	}
	return ""
}

// nextStep is the hint under a verdict: what the evidence so far asks for.
// Its words depend on the verdict first: "lesson done" is never said
// under a failure.
func (m verdictPanel) nextStep() string {
	res := m.check.result
	if res == nil {
		return ""
	}
	p := m.c.progress.get(m.l.ID)
	def := m.l.DefaultVariant()
	buggy := !m.l.IsCorrect(m.check.variant)
	hasBugs := len(m.l.Buggy()) > 0
	done := p.Status == statusDone
	switch {
	case res.Verdict == checker.Unknown:
		return "The checker ran out of time before deciding. c checks again; a shorter run (n for another seed) checks faster."
	case !m.check.full:
		return "That was the history so far; space plays on, and the finished run is checked again."
	case res.Verdict == checker.NotLinearizable && !buggy:
		return fmt.Sprintf("The %s variant must never fail: that is a bug in faultline. Please report lesson %s, seed %d.", m.check.variant, m.l.ID, m.seed)
	case res.Verdict == checker.NotLinearizable && !m.runDone:
		return "space plays the run on to its end; ← → step through it; w m t show why. Then v switches variant and r runs " + m.faults + "."
	case res.Verdict == checker.NotLinearizable:
		if to := m.vTo(false); to != "" {
			return to + " (a fix), then r runs it with " + m.faults + "."
		}
		return "v switches variant, then r runs it with " + m.faults + "."
	case buggy:
		return "This run did not expose the bug. n tries the next seed; or add faults yourself while it runs (p, k, z, s)."
	case done && hasBugs:
		return "Lesson done: you saw a bug caught and a correct design survive the same faults."
	case done:
		return "Lesson done. Try your own faults (p k z s h), or the next lesson (q)."
	case hasBugs && !p.SawFail && m.l.IsCorrect(def):
		return "This design held. Now break it: " + m.vTo(true) + " (it has a bug), then r."
	case hasBugs && !p.SawFail:
		return "The fix held. Now see a bug caught: " + m.vTo(true) + " (it has a bug), then r."
	}
	return ""
}
