package tui

import (
	"os"
	"strings"

	"github.com/charmbracelet/glamour"
	"github.com/charmbracelet/glamour/styles"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// textCache renders lesson texts with glamour once per lesson and width:
// rendering takes milliseconds, far too slow for every frame.
type textCache struct {
	styles *Styles
	done   map[textKey]renderedText
}

type textKey struct {
	id    string
	width int
	dark  bool
}

// renderedText is a lesson's text at one width, with where each "## "
// section starts, so the pane can jump to "What happened" after a run.
type renderedText struct {
	content  string
	sections map[string]int // lower-case heading → line
}

func newTextCache(st *Styles) *textCache {
	return &textCache{styles: st, done: map[textKey]renderedText{}}
}

// glamourStyle picks a style that reads well: plain text without colour
// (no Markdown markers left in it), GLAMOUR_STYLE when the learner set
// one, else light or dark as the terminal's background is — asked of the
// same renderer every other style comes from.
func (tc *textCache) glamourStyle() glamour.TermRendererOption {
	if !tc.styles.color {
		cfg := styles.ASCIIStyleConfig
		cfg.Strong.BlockPrefix, cfg.Strong.BlockSuffix = "", ""
		cfg.Emph.BlockPrefix, cfg.Emph.BlockSuffix = "", ""
		return glamour.WithStyles(cfg)
	}
	if s := os.Getenv("GLAMOUR_STYLE"); s != "" && s != "auto" {
		return glamour.WithStandardStyle(s)
	}
	cfg := styles.LightStyleConfig
	if tc.styles.r.HasDarkBackground() {
		cfg = styles.DarkStyleConfig
	}
	// Inline code keeps its colour but not its padding: a padded span at
	// the end of a line wraps into a line of its own.
	cfg.Code.Prefix, cfg.Code.Suffix = "", ""
	return glamour.WithStyles(cfg)
}

// render returns the text of a lesson's Markdown at a width.
func (tc *textCache) render(id, markdown string, width int) renderedText {
	width = max(width, 10)
	k := textKey{id, width, tc.styles.r.HasDarkBackground()}
	if r, ok := tc.done[k]; ok {
		return r
	}
	r := renderedText{content: tc.glamour(markdown, width)}
	r.sections = sectionLines(r.content)
	tc.done[k] = r
	return r
}

func (tc *textCache) glamour(markdown string, width int) string {
	profile := termenv.ANSI256
	if !tc.styles.color {
		profile = termenv.Ascii
	} else {
		profile = tc.styles.r.ColorProfile()
	}
	g, err := glamour.NewTermRenderer(
		tc.glamourStyle(),
		glamour.WithColorProfile(profile),
		glamour.WithWordWrap(width-1),
	)
	var out string
	if err == nil {
		out, err = g.Render(reflowTables(markdown, width-1))
	}
	if err != nil {
		// The plain Markdown still reads well; never fail over a text.
		out = wrap(markdown, width-1)
	}
	lines := strings.Split(strings.Trim(out, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// sectionLines finds the "## " headings in rendered text.
func sectionLines(content string) map[string]int {
	out := map[string]int{}
	for i, l := range strings.Split(content, "\n") {
		plain := strings.TrimSpace(ansi.Strip(l))
		if strings.HasPrefix(plain, "## ") {
			out[strings.ToLower(strings.TrimPrefix(plain, "## "))] = i
		}
	}
	return out
}
