package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/faultline-lab/faultline/lessons"
)

// TestTextFitsItsWidth: every line of every lesson's rendered text fits
// the width it was rendered for, in colour and without. A line one column
// too wide is wrapped again by the pane, leaving a word alone on a line of
// its own ("Many client libraries have / shipped this way.").
func TestTextFitsItsWidth(t *testing.T) {
	t.Parallel()
	for _, r := range []struct {
		name string
		tc   *textCache
	}{
		{"plain", newTextCache(NewStyles(asciiRenderer()))},
		{"dark", newTextCache(NewStyles(colourRenderer(true)))},
		{"light", newTextCache(NewStyles(colourRenderer(false)))},
	} {
		for _, l := range lessons.All() {
			for _, w := range []int{38, 53, 55, 77, 100} {
				for i, line := range strings.Split(r.tc.render(l.ID, l.Text.Body, w).content, "\n") {
					if n := ansi.StringWidth(line); n > w {
						t.Errorf("%s, %s at %d: line %d is %d wide: %q", r.name, l.ID, w, i+1, n, ansi.Strip(line))
					}
				}
			}
		}
	}
}
