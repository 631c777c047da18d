package tui

import (
	"github.com/faultline-lab/faultline/lessons"
)

// lessonText is what the workbench reads of a lesson's text: its Markdown
// with the sections that answer the prediction kept for after the first
// run (Text.Shown), the run it narrates (the lesson opens on it, so the
// story is the one on the screen), and per variant what a verdict means
// (Text.Outcome). It is the lesson's lessons.Text; tests hand the screen
// fake ones through common.textOf.
type lessonText struct{ lessons.Text }

func textOf(l *lessons.Lesson) lessonText { return lessonText{l.Text} }

// body is the Markdown to show: whole once revealed.
func (t lessonText) body(revealed bool) string { return t.Shown(revealed) }

// seedOr is the narrated seed, or def when the text narrates none.
func (t lessonText) seedOr(def uint64) uint64 {
	if n, ok := t.Opening(); ok {
		return n.Seed
	}
	return def
}

// variantOr is the narrated variant, or def.
func (t lessonText) variantOr(def string) string {
	if n, ok := t.Opening(); ok && n.Variant != "" {
		return n.Variant
	}
	return def
}

// held is why a variant held, in the text's words ("" when it has none).
func (t lessonText) held(variant string) string { return t.Outcome(variant, true) }

// broke is what went wrong in a variant, in the text's words.
func (t lessonText) broke(variant string) string { return t.Outcome(variant, false) }
