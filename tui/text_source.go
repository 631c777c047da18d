package tui

import (
	"strings"

	"github.com/faultline-lab/faultline/lessons"
)

// lessonText is what the workbench needs of a lesson's text besides its
// Markdown: the sections that would spoil the prediction (revealed after
// the learner's first run), the seed the text narrates (the lesson opens
// on it, so the story is the one on the screen), and, per variant, why a
// correct design held.
//
// textOf fills it from lessons.Text; when the texts mark their spoilers,
// narrated seed and per-variant words themselves, textOf reads them there
// and the defaults below go.
type lessonText struct {
	markdown string
	spoilers []string          // lower-case heading prefixes
	seed     uint64            // 0: the text narrates no particular seed
	heldBy   map[string]string // variant → why it held
}

// defaultSpoilers are the sections that tell the lesson's story before
// the learner has seen it.
var defaultSpoilers = []string{"what happened", "the fix"}

func textOf(l *lessons.Lesson) lessonText {
	return lessonText{markdown: l.Text.Body, spoilers: defaultSpoilers}
}

// spoilerNote stands in for a section until the first run.
const spoilerNote = "*Shown after your first run, so that it does not give your prediction away: press r.*"

// body is the Markdown to show: whole once revealed, else with each
// spoiler section's body replaced by a note (its heading stays, so the
// learner knows it is coming).
func (t lessonText) body(revealed bool) string {
	if revealed || len(t.spoilers) == 0 {
		return t.markdown
	}
	var out []string
	hiding := false
	for _, line := range strings.Split(t.markdown, "\n") {
		if title, ok := strings.CutPrefix(line, "## "); ok {
			hiding = t.isSpoiler(title)
			out = append(out, line)
			if hiding {
				out = append(out, "", spoilerNote, "")
			}
			continue
		}
		if strings.HasPrefix(line, "# ") {
			hiding = false
		}
		if !hiding {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

func (t lessonText) isSpoiler(title string) bool {
	title = strings.ToLower(strings.TrimSpace(title))
	for _, s := range t.spoilers {
		if strings.HasPrefix(title, s) {
			return true
		}
	}
	return false
}

// seedOr is the narrated seed, or def when the text narrates none.
func (t lessonText) seedOr(def uint64) uint64 {
	if t.seed != 0 {
		return t.seed
	}
	return def
}

// held is why a variant held, in the text's words ("" when it has none).
func (t lessonText) held(variant string) string { return t.heldBy[variant] }
