package tui

import (
	"encoding/json"
	"os"
	"strings"
	"sync"

	"github.com/charmbracelet/glamour"
	gansi "github.com/charmbracelet/glamour/ansi"
	"github.com/charmbracelet/glamour/styles"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// textCache renders lesson texts with glamour once per lesson and width:
// rendering takes milliseconds, far too slow for every frame.
type textCache struct {
	styles *Styles
	done   map[textKey]renderedText
	cfg    gansi.StyleConfig // styleConfig's, resolved once
	style  string            // GLAMOUR_STYLE then
}

// flatRenders holds glamour's output before layout wraps it, for every
// screen of the process (a lesson reopened, a second model in the tests):
// flatKey → string.
var flatRenders sync.Map

type flatKey struct {
	markdown string
	dark     bool
	color    bool // the plain style, or the colour ones
	profile  termenv.Profile
	style    string // GLAMOUR_STYLE
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
	tc := &textCache{styles: st, done: map[textKey]renderedText{}, style: os.Getenv("GLAMOUR_STYLE")}
	tc.cfg = tc.styleConfig()
	return tc
}

// styleConfig picks, once for the cache (newTextCache), a style that
// reads well: plain text without colour (no Markdown markers left in it),
// GLAMOUR_STYLE when the learner set one (a style's name or a file, as
// glamour reads it), else light or dark as the terminal's background is —
// asked of the same renderer every other style comes from.
func (tc *textCache) styleConfig() gansi.StyleConfig {
	if !tc.styles.color {
		cfg := styles.ASCIIStyleConfig
		cfg.Strong.BlockPrefix, cfg.Strong.BlockSuffix = "", ""
		cfg.Emph.BlockPrefix, cfg.Emph.BlockSuffix = "", ""
		return cfg
	}
	if s := tc.style; s != "" && s != "auto" {
		if cfg, ok := styles.DefaultStyles[s]; ok {
			return *cfg
		}
		var cfg gansi.StyleConfig
		if b, err := os.ReadFile(s); err == nil && json.Unmarshal(b, &cfg) == nil {
			return cfg
		}
	}
	cfg := styles.LightStyleConfig
	if tc.styles.r.HasDarkBackground() {
		cfg = styles.DarkStyleConfig
	}
	// Inline code keeps its colour but not its padding: a padded span at
	// the end of a line wraps into a line of its own.
	cfg.Code.Prefix, cfg.Code.Suffix = "", ""
	return cfg
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

// glamour renders Markdown for a width: glamour styles it, unwrapped, and
// layout wraps it. Lines end a spare column and the document's right
// margin short of the width, as glamour's own wrapping left them.
func (tc *textCache) glamour(markdown string, width int) string {
	cfg := tc.cfg
	margin := 0
	if cfg.Document.Margin != nil {
		margin = int(*cfg.Document.Margin)
	}
	limit := max(1, width-1-margin)
	md := reflowTables(markdown, limit-margin)
	flat, err := tc.unwrapped(md, cfg)
	if err != nil {
		// The plain Markdown still reads well; never fail over a text.
		return wrap(markdown, width-1)
	}
	bars := ""
	if cfg.BlockQuote.IndentToken != nil {
		bars = *cfg.BlockQuote.IndentToken
	}
	lines := layout(flat, limit, bars)
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// unwrapped is glamour's rendering of the Markdown, marked (markBlocks)
// and not wrapped: the same at every width, so rendered once.
func (tc *textCache) unwrapped(markdown string, cfg gansi.StyleConfig) (string, error) {
	profile := termenv.Ascii
	if tc.styles.color {
		profile = tc.styles.r.ColorProfile()
	}
	k := flatKey{markdown, tc.styles.r.HasDarkBackground(), tc.styles.color, profile, tc.style}
	if out, ok := flatRenders.Load(k); ok {
		return out.(string), nil
	}
	g, err := glamour.NewTermRenderer(
		glamour.WithStyles(cfg),
		glamour.WithColorProfile(profile),
		glamour.WithWordWrap(0), // layout wraps
	)
	if err != nil {
		return "", err
	}
	out, err := g.Render(markBlocks(markdown))
	if err != nil {
		return "", err
	}
	flatRenders.Store(k, out)
	return out, nil
}

// sectionLines finds the "## " headings in rendered text; a heading
// wrapped over lines is read whole (a blank line follows every heading).
func sectionLines(content string) map[string]int {
	out := map[string]int{}
	lines := strings.Split(content, "\n")
	for i, l := range lines {
		if !strings.Contains(l, "## ") {
			continue
		}
		plain := strings.TrimSpace(ansi.Strip(l))
		if !strings.HasPrefix(plain, "## ") {
			continue
		}
		title := strings.TrimPrefix(plain, "## ")
		for _, more := range lines[i+1:] {
			more = strings.TrimSpace(ansi.Strip(more))
			if more == "" {
				break
			}
			title += " " + more
		}
		out[strings.ToLower(title)] = i
	}
	return out
}
