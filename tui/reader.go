package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/lessons"
)

// readerModel is the lesson text full screen (l), at a width that reads
// well. It is a child of the lesson screen: it gets the shared common
// struct and returns its own type.
type readerModel struct {
	open     bool
	run      bool // closed with r: the lesson screen runs the lesson
	id       string
	markdown string
	width    int
	view     viewport.Model
}

// readerMaxWidth keeps lines short enough to read on a wide screen.
const readerMaxWidth = 100

func (r readerModel) show(c *common, l *lessons.Lesson, markdown, at string) readerModel {
	r.open, r.run, r.id, r.markdown = true, false, l.ID+"+reader", markdown
	r.width = 0
	r.view = viewport.New(0, 0)
	r.resize(c)
	if at != "" {
		for h, line := range c.texts.render(r.key(), markdown, r.width).sections {
			if strings.HasPrefix(h, at) {
				r.view.SetYOffset(line)
			}
		}
	}
	return r
}

func (r readerModel) key() string { return r.id + fmt.Sprint(len(r.markdown)) }

// resize renders the text again for the screen's width.
func (r *readerModel) resize(c *common) {
	w := max(20, min(readerMaxWidth, c.width-4))
	if w != r.width {
		off := r.view.YOffset
		r.width = w
		r.view.SetContent(c.texts.render(r.key(), r.markdown, w).content)
		r.view.SetYOffset(off)
	}
	r.view.Width, r.view.Height = w, max(1, c.height-3)
	r.view.SetYOffset(r.view.YOffset)
}

func (r readerModel) Update(k tea.KeyMsg, c *common) (readerModel, tea.Cmd) {
	keys := c.keys
	switch {
	case key.Matches(k, keys.Esc, keys.Quit, keys.Reader):
		r.open = false
	case key.Matches(k, keys.Run):
		r.open, r.run = false, true
	case key.Matches(k, keys.Up):
		r.view.ScrollUp(1)
	case key.Matches(k, keys.Down, keys.Enter):
		r.view.ScrollDown(1)
	case key.Matches(k, keys.PageUp):
		r.view.ScrollUp(max(1, r.view.Height-1))
	case key.Matches(k, keys.PageDown, keys.Play):
		r.view.ScrollDown(max(1, r.view.Height-1))
	}
	return r, nil
}

func (r readerModel) View(c *common, header string) string {
	pad := max(0, (c.width-r.width)/2)
	body := indent(r.view.View(), pad)
	where := "all of it"
	if r.view.TotalLineCount() > r.view.Height {
		where = fmt.Sprintf("%d%%", int(r.view.ScrollPercent()*100))
	}
	lines := []string{header}
	lines = append(lines, strings.Split(body, "\n")...)
	for len(lines) < c.height-2 {
		lines = append(lines, "")
	}
	lines = lines[:c.height-2]
	status := " " + c.styles.Bold.Render("reading the lesson") + " · " + where
	lines = append(lines, cut(status, c.width), c.helpBar(c.keys.readerShort()))
	return fitBlock(strings.Join(lines, "\n"), c.width, c.height)
}
