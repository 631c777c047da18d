package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/viewport"
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
}

func newTextPane(id string, text lessonText, revealed bool) textPane {
	return textPane{id: id, text: text, view: viewport.New(0, 0), revealed: revealed}
}

// body is the Markdown shown: whole once revealed.
func (p *textPane) body() string { return p.text.body(p.revealed) }

// key names the rendered text: its spoilers shown or not.
func (p *textPane) key() string {
	if p.revealed {
		return p.id + "+revealed"
	}
	return p.id
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
