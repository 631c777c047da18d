package tui

import (
	"fmt"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
)

// playerInput is what the player is handed: the lesson and which run of
// it to make, whether a verdict is on the screen, and hear for its news.
func (m *lessonModel) playerInput() playerInput {
	return playerInput{l: m.l, keys: m.c.keys, variant: m.variant, seed: m.seed, own: m.own, judged: m.check.result != nil, hear: m.hear}
}

// hear acts on what the run did, as it happens: the status line's
// message, a fresh run, a verdict known ahead, a check to start.
func (m *lessonModel) hear(n runNews) tea.Cmd {
	switch n.kind {
	case newsSay:
		m.flash = n.flash
	case newsReset:
		m.check.clear()
		m.hist.follow()
		m.bottomTop = 0
	case newsStarted:
		m.check.clear()
		if m.prompt.kind == promptPredict {
			m.prompt.close() // its moment has passed; an answer is kept for the reveal
		}
		m.hist.follow()
		m.flash = fmt.Sprintf("running %s, seed %d, at %s", m.variant, m.seed, speedLabel(m.play.speed))
		if warn := m.c.progress.update(m.l.ID, func(p *lessonProgress) {
			if p.Status == statusNew {
				p.Status = statusStarted
			}
		}); warn != "" {
			m.flash = warn
		}
	case newsChanged:
		m.check.clear()
	case newsVerdict:
		m.check.adopt(n.res, n.extra, m.variant)
		m.afterCheck()
	case newsBroke:
		if i := m.check.failingIndex(); i >= 0 {
			m.hist.centre(i, m.historyRows())
		}
	case newsCheck:
		return m.check.start(m.l, m.play.run.s.History(), true, m.variant)
	}
	return nil
}

// faultKey injects the fault a fault key asks for, now.
func (m *lessonModel) faultKey(k tea.KeyMsg) tea.Cmd {
	f, why := m.play.run.faultKeys.choose(k, m.c.keys, m.play.run.s.Cluster(), m.nodeCursor)
	if why != "" {
		m.flash = why
		return nil
	}
	return m.play.inject(f, m.playerInput())
}

// nextVariant switches to the next variant, keeping the seed and the
// learner's faults (each at the moment it was pressed).
func (m *lessonModel) nextVariant() {
	vs := m.l.Variants()
	i := 0
	for j, v := range vs {
		if v.Name == m.variant {
			i = j
		}
	}
	v := vs[(i+1)%len(vs)]
	carry := m.play.carry()
	m.variant = v.Name
	if err := m.play.reset(m.playerInput(), carry); err != nil {
		m.flash = err.Error()
		return
	}
	m.flash = "variant " + v.Name + " — press r to run it"
	m.notice = []string{
		fmt.Sprintf("Variant %s: %s.", v.Name, v.Summary),
		"r runs it with " + sameFaults(m.play.run.sc.Faults, m.own, carry) + ".",
	}
}

// sameFaults says which faults the next run has, truly: the lesson's
// schedule (aimed at whichever node has a role, where it aims at one),
// and the learner's own.
func sameFaults(schedule sim.Schedule, own bool, carry []sim.Fault) string {
	sched := "the same seed and schedule"
	if aim := aimedAt(schedule); aim != "" {
		sched += ", aimed at " + aim
	}
	if own {
		sched = "the same seed, the lesson's schedule off"
	}
	switch len(carry) {
	case 0:
		return sched
	case 1:
		return sched + ", and your fault at the same moment"
	}
	return fmt.Sprintf("%s, and your %d faults at the same moments", sched, len(carry))
}

// aimedAt names the role a schedule's faults aim at, in words ("" when
// they aim at fixed nodes): "whichever node leads", "the nodes in the
// worker role". Leader words only where a fault aims at a leader.
func aimedAt(s sim.Schedule) string {
	faults := slices.Clone(s.Faults)
	if s.Mix != nil {
		for _, k := range s.Mix.Kinds {
			if pair, ok := sim.NemesisKinds[k]; ok {
				faults = append(faults, pair[0])
			}
		}
	}
	for _, f := range faults {
		if !f.RoleTargeted() {
			continue
		}
		if r, ok := f.Target.Role(); ok && !r.Leads() {
			return "the nodes in the " + string(r) + " role"
		}
		return "whichever node leads"
	}
	return ""
}

// flashLessonDone is said once, when the lesson becomes done.
const flashLessonDone = "lesson done (marked so in the list)"

func (m *lessonModel) nextSeed() {
	m.seed++
	if err := m.play.reset(m.playerInput(), nil); err != nil {
		m.flash = err.Error()
		return
	}
	m.flash = fmt.Sprintf("seed %d — press r to run it", m.seed)
}

// toggleOwn runs the lesson with the learner's faults only, or with its
// schedule again.
func (m *lessonModel) toggleOwn() {
	carry := m.play.carry()
	m.own = !m.own
	if err := m.play.reset(m.playerInput(), carry); err != nil {
		m.flash = err.Error()
		return
	}
	if m.own {
		m.flash = "your faults only: the lesson's schedule is off — p k z s add faults, r runs; o brings the schedule back"
		return
	}
	m.flash = "the lesson's fault schedule is back on; r runs"
}

func (m *lessonModel) checkNow() tea.Cmd {
	h := m.play.run.s.History()
	if len(h) == 0 {
		m.flash = "nothing to check yet: r runs the lesson"
		return nil
	}
	if m.play.run.playing {
		m.play.pause()
	}
	m.flash = "checking the history so far"
	return m.check.start(m.l, h, m.play.run.done(), m.variant)
}

// afterCheck records the evidence, and points the text and the history at
// what the verdict is about.
func (m *lessonModel) afterCheck() {
	if m.check.err != nil {
		m.flash = "the checker could not check this history: " + m.check.err.Error()
		return
	}
	res := m.check.result
	m.flash = ""
	m.reveal()
	if res.Verdict == checker.NotLinearizable {
		m.textPane.jump(m.c.texts, "what happened")
		if i := m.check.failingIndex(); i >= 0 {
			m.hist.centre(i, m.historyRows())
		}
	}
	full, variant := m.check.full, m.check.variant
	buggy := !m.l.IsCorrect(variant)
	before := m.c.progress.status(m.l.ID)
	warn := m.c.progress.update(m.l.ID, func(p *lessonProgress) {
		if p.Status == statusNew {
			p.Status = statusStarted
		}
		p.Ran = true
		if full && res.Verdict != checker.Unknown {
			p.SawVerdict = true
		}
		if buggy && res.Verdict == checker.NotLinearizable {
			p.SawFail = true
		}
		if !buggy && full && res.Verdict == checker.Linearizable {
			p.SawFixedPass = true
		}
		// Done on evidence: a buggy variant caught and a correct one passing;
		// a lesson with no bug (lesson 1) needs one checked run.
		if (len(m.l.Buggy()) > 0 && p.SawFail && p.SawFixedPass) || (len(m.l.Buggy()) == 0 && p.SawVerdict) {
			p.Status = statusDone
		}
	})
	switch {
	case warn != "":
		m.flash = warn
	case before != statusDone && m.c.progress.status(m.l.ID) == statusDone:
		m.flash = flashLessonDone
	}
}

func (m *lessonModel) answer(choice int) {
	t := m.l.Text
	if m.prompt.kind == promptNone {
		return
	}
	if !m.prompt.answer(t, choice) {
		return
	}
	if m.prompt.kind == promptPredict {
		if warn := m.c.progress.update(m.l.ID, func(p *lessonProgress) { p.Predicted = &choice }); warn != "" {
			m.flash = warn
		}
	}
}

// enter moves the quiz on, or offers it after a verdict.
func (m *lessonModel) enter() {
	m.bottomTop = 0
	switch {
	case m.prompt.kind == promptQuiz && m.prompt.q >= len(m.l.Text.Quiz):
		m.prompt.close()
	case m.prompt.kind == promptQuiz:
		if m.prompt.next(m.l.Text) {
			right, total := m.prompt.right, len(m.l.Text.Quiz)
			m.quizDone = true
			if warn := m.c.progress.update(m.l.ID, func(p *lessonProgress) {
				p.QuizTaken++
				p.QuizRight = right
			}); warn != "" {
				m.flash = warn
			}
			m.flash = fmt.Sprintf("quiz: %d of %d right", right, total)
		}
	case m.prompt.kind == promptPredict:
		m.prompt.close()
	case m.quizOffered():
		m.prompt.open(promptQuiz)
	}
}

// quizOffered is true when a verdict is shown and the lesson has a quiz.
func (m *lessonModel) quizOffered() bool {
	return m.prompt.kind == promptNone && m.check.result != nil && len(m.l.Text.Quiz) > 0
}
