package tui

import (
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/faultline-lab/faultline/internal/testkit"
	"github.com/faultline-lab/faultline/lessons"
)

// textRender is one lesson text rendered at one width in one style.
type textRender struct {
	style, id string
	markdown  string
	width     int
	content   string
}

// storyNote is what a lesson's text starts with beside another seed's run
// (textPane.runs): a block quote.
const storyNote = "> This story is seed 1's, variant read-any; you are running seed 42, variant read-any: its numbers, nodes and times are not this run's.\n\n"

// lessonRenders renders every lesson's text whole, and every fourth's
// before the first run beside another seed's run (every lesson's in long
// mode), in the plain, dark and light styles at a range of widths (every
// width from 30 to 120 in long mode), once for the tests that read them.
// The widths are the ones the screen uses (the text pane at 120 and 160
// columns, 41 and 55; the reader at 80 and 100 columns and its widest, 76,
// 96 and 100) and the narrow panes below them.
var lessonRenders = sync.OnceValue(func() []textRender {
	widths := []int{36, 38, 41, 44, 55, 76, 96, 100}
	if testkit.Long() {
		widths = widths[:0]
		for w := 30; w <= 120; w++ {
			widths = append(widths, w)
		}
	}
	var out []textRender
	for _, r := range []struct {
		name string
		tc   *textCache
	}{
		{"plain", newTextCache(NewStyles(asciiRenderer()))},
		{"dark", newTextCache(NewStyles(colourRenderer(true)))},
		{"light", newTextCache(NewStyles(colourRenderer(false)))},
	} {
		for i, l := range lessons.All() {
			texts := []struct{ id, markdown string }{{l.ID, l.Text.Body}}
			if i%4 == 0 || testkit.Long() {
				texts = append(texts, struct{ id, markdown string }{l.ID + "+note", storyNote + l.Text.Shown(false)})
			}
			for _, t := range texts {
				for _, w := range widths {
					out = append(out, textRender{r.name, t.id, t.markdown, w, r.tc.render(t.id, t.markdown, w).content})
				}
			}
		}
	}
	return out
})

// TestTextFitsItsWidth: every line of every lesson's rendered text fits
// the width it was rendered for, in colour and without. A line one column
// too wide is wrapped again by the pane, leaving a word alone on a line of
// its own ("Many client libraries have / shipped this way.").
func TestTextFitsItsWidth(t *testing.T) {
	t.Parallel()
	for _, r := range lessonRenders() {
		for i, line := range strings.Split(r.content, "\n") {
			if n := ansi.StringWidth(line); n > r.width {
				t.Errorf("%s, %s at %d: line %d is %d wide: %q", r.style, r.id, r.width, i+1, n, ansi.Strip(line))
			}
		}
	}
}

// TestNoWrapMarkReachesTheScreen: the marks markBlocks puts in the
// Markdown for the wrapping (private-use runes) are all taken out again.
func TestNoWrapMarkReachesTheScreen(t *testing.T) {
	t.Parallel()
	for _, r := range lessonRenders() {
		if i := strings.IndexAny(r.content, markStart+markGoOn); i >= 0 {
			t.Errorf("%s, %s at %d: a wrap mark is left at byte %d: %q", r.style, r.id, r.width, i, ansi.Strip(r.content[max(0, i-40):min(len(r.content), i+40)]))
		}
	}
}
