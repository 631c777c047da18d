package tui

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/lessons"
)

// promptKind says which question box is open, if any. Questions are
// offered, never forced: every other key keeps working around them.
type promptKind uint8

const (
	promptNone promptKind = iota
	promptPredict
	promptQuiz
)

// promptState is the prediction question (before a run) or the quiz
// (after one).
type promptState struct {
	kind   promptKind
	q      int // the quiz question shown
	chosen int // the answer chosen to the shown question, -1 none
	right  int // quiz answers right so far
}

func (p *promptState) open(kind promptKind) {
	*p = promptState{kind: kind, chosen: -1}
}

func (p *promptState) close() { *p = promptState{chosen: -1} }

// question is the question shown now.
func (p *promptState) question(t lessons.Text) (lessons.Question, bool) {
	switch p.kind {
	case promptPredict:
		return t.Predict, t.Predict.Q != ""
	case promptQuiz:
		if p.q < len(t.Quiz) {
			return t.Quiz[p.q], true
		}
	}
	return lessons.Question{}, false
}

// answer records the learner's choice (0-based). It reports whether the
// choice was taken.
func (p *promptState) answer(t lessons.Text, choice int) bool {
	q, ok := p.question(t)
	if !ok || p.chosen >= 0 || choice < 0 || choice >= len(q.Choices) {
		return false
	}
	p.chosen = choice
	if p.kind == promptQuiz && choice == q.Answer {
		p.right++
	}
	return true
}

// next moves the quiz on after an answer; it reports whether the quiz is
// over.
func (p *promptState) next(t lessons.Text) bool {
	if p.kind != promptQuiz || p.chosen < 0 {
		return false
	}
	if p.q+1 >= len(t.Quiz) {
		p.q = len(t.Quiz)
		return true
	}
	p.q++
	p.chosen = -1
	return false
}

// lines renders the box's content for a width, and how many of its last
// lines say what to press (they stay in sight when the rest scrolls).
func (p *promptState) lines(c *common, t lessons.Text, width int) ([]string, int) {
	st := c.styles
	var out []string
	add := func(s string) { out = append(out, strings.Split(wrap(s, width), "\n")...) }
	if p.kind == promptQuiz && p.q >= len(t.Quiz) {
		add(st.Bold.Render(fmt.Sprintf("Quiz done: %d of %d right.", p.right, len(t.Quiz))) + " Press enter to close.")
		return out, len(out)
	}
	q, ok := p.question(t)
	if !ok {
		return nil, 0
	}
	head := "Predict before you run: "
	if p.kind == promptQuiz {
		head = fmt.Sprintf("Quiz %d of %d: ", p.q+1, len(t.Quiz))
	}
	add(st.Bold.Render(head) + q.Q)
	var choices []string
	for i, ch := range q.Choices {
		mark := "  "
		if i == p.chosen {
			mark = "> "
		}
		choices = append(choices, fmt.Sprintf("%s%d) %s", mark, i+1, ch))
	}
	if one := strings.Join(choices, "   "); len([]rune(one)) <= width {
		out = append(out, one)
	} else {
		for _, ch := range choices {
			add(ch)
		}
	}
	body := len(out)
	switch {
	case p.chosen < 0 && p.kind == promptPredict:
		add(st.Dim.Render(fmt.Sprintf("Press 1–%d to answer (esc: not now). r runs whether you answer or not.", len(q.Choices))))
	case p.chosen < 0:
		add(st.Dim.Render(fmt.Sprintf("Press 1–%d to answer, esc to stop the quiz.", len(q.Choices))))
	case p.kind == promptPredict:
		add("Your prediction is noted. Press r to run and see.")
	default:
		verdict := st.Good.Render("Right.")
		if p.chosen != q.Answer {
			verdict = st.Error.Render("Not quite:") + " the answer is " + q.Choices[q.Answer] + "."
		}
		add(verdict + " " + q.Why)
		body = len(out)
		add(st.Dim.Render("Press enter for the next question."))
	}
	return out, len(out) - body
}

// predictionReveal tells, after a run, how the learner's prediction fared:
// in full, with the reason, and in one short sentence.
func predictionReveal(c *common, t lessons.Text, chosen int) (full, short string) {
	q := t.Predict
	if q.Q == "" || chosen < 0 || chosen >= len(q.Choices) {
		return "", ""
	}
	if chosen == q.Answer {
		short = c.styles.Good.Render("Your prediction was right") + " (" + q.Choices[chosen] + ")."
	} else {
		short = fmt.Sprintf("You predicted %q; the answer is %q.", q.Choices[chosen], q.Choices[q.Answer])
	}
	return short + " " + q.Why, short
}
