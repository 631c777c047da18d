package tui

import (
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/viewport"

	"github.com/faultline-lab/faultline/lessons"
)

// textPane is the lesson text beside the cluster: the Markdown rendered
// at the pane's width, scrolled in a viewport, its spoilers ("What
// happened", "The fix") held back until the learner's first run. Its
// input is the render cache and the size it is given; it knows nothing
// else of the screen.
type textPane struct {
	id       string // the lesson's, naming its renders
	text     lessonText
	view     viewport.Model
	width    int    // the width rendered at; 0: render again
	revealed bool   // the spoilers are shown
	at       string // the section last pointed at; the reader opens there
	// other says whose run the story is when the run on screen is
	// another's ("" when it is the one narrated, or none is).
	other string
}

func newTextPane(id string, text lessonText, revealed bool) textPane {
	return textPane{id: id, text: text, view: viewport.New(0, 0), revealed: revealed}
}

// body is the Markdown shown: whole once revealed, told as another run's
// story when it is.
func (p *textPane) body() string {
	if p.other != "" {
		return "> " + p.other + "\n\n" + p.text.body(p.revealed)
	}
	return p.text.body(p.revealed)
}

// runs tells the pane which run is on screen: a story that narrates
// another seed or variant says so at its top, so no sentence of it passes
// for a fact of this run.
func (p *textPane) runs(seed uint64, variant string) {
	other := ""
	if ns := p.text.Narrates; len(ns) > 0 && !slices.Contains(ns, lessons.Narration{Seed: seed, Variant: variant}) {
		n := ns[0]
		other = fmt.Sprintf("This story is seed %d's, variant %s; you are running seed %d, variant %s: its numbers, nodes and times are not this run's.", n.Seed, n.Variant, seed, variant)
		if n.Variant == variant {
			other = fmt.Sprintf("This story is seed %d's; you are running seed %d: its numbers, nodes and times are not this run's.", n.Seed, seed)
		}
	}
	if other != p.other {
		p.other, p.width = other, 0 // rendered again at the next resize
	}
}

// key names the rendered text: its spoilers shown or not.
func (p *textPane) key() string {
	k := p.id
	if p.revealed {
		k += "+revealed"
	}
	if p.other != "" {
		k += "+" + p.other
	}
	return k
}

// reveal shows the spoilers; it reports whether they were hidden until now.
func (p *textPane) reveal() bool {
	if p.revealed {
		return false
	}
	p.revealed, p.width = true, 0 // rendered again at the next resize
	return true
}

// resize renders the text again when its width changed, keeping the
// place, and fits the viewport to w×h.
func (p *textPane) resize(tc *textCache, w, h int) {
	if w != p.width {
		off := p.view.YOffset
		p.width = w
		p.view.SetContent(tc.render(p.key(), p.body(), w).content)
		p.view.SetYOffset(off)
	}
	p.view.Width, p.view.Height = w, max(1, h)
	p.view.SetYOffset(p.view.YOffset) // clamp to the new height
}

// jump scrolls to a section whose heading starts with title.
func (p *textPane) jump(tc *textCache, title string) {
	p.at = title
	r := tc.render(p.key(), p.body(), p.width)
	for h, line := range r.sections {
		if len(h) >= len(title) && h[:len(title)] == title {
			p.view.SetYOffset(line)
			return
		}
	}
}

// scroll moves the text by n lines.
func (p *textPane) scroll(n int) {
	if n < 0 {
		p.view.ScrollUp(-n)
	} else {
		p.view.ScrollDown(n)
	}
}

func (p *textPane) pageSize() int { return max(1, p.view.Height-1) }

// scrollNote is the pane title's note on where it is, when it scrolls.
func (p *textPane) scrollNote() string {
	if p.view.TotalLineCount() <= p.view.Height {
		return ""
	}
	return fmt.Sprintf(" · %d%% · l reads it full screen", int(p.view.ScrollPercent()*100))
}
