package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/lessons"
)

// pickerModel is the lesson picker: every lesson that exists, with its
// number, title, summary and the learner's progress, and after them the
// learner's own node.
type pickerModel struct {
	c       *common
	lessons []*lessons.Lesson
	cursor  int
	top     int    // first lesson shown when the list scrolls
	message string // an error to show, e.g. a lesson that would not open
}

// openLessonMsg asks the root to open a lesson (or, with nodeEntryID,
// the learner's own node).
type openLessonMsg struct{ id string }

// entries counts the list: the lessons, then "Your own node".
func (m pickerModel) entries() int { return len(m.lessons) + 1 }

// entryID is the id of entry i.
func (m pickerModel) entryID(i int) string {
	if i < len(m.lessons) {
		return m.lessons[i].ID
	}
	return nodeEntryID
}

func newPicker(c *common) pickerModel {
	return pickerModel{c: c, lessons: lessons.All()}
}

// entryLines is how many lines one lesson takes in the list.
const entryLines = 2

func (m pickerModel) Update(msg tea.Msg) (pickerModel, tea.Cmd) {
	k, ok := msg.(tea.KeyMsg)
	if !ok {
		return m, nil
	}
	keys := m.c.keys
	last := m.entries() - 1
	switch {
	case key.Matches(k, keys.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(k, keys.Down):
		m.cursor = min(last, m.cursor+1)
	case key.Matches(k, keys.PageUp):
		m.cursor = max(0, m.cursor-m.visible())
	case key.Matches(k, keys.PageDown):
		m.cursor = min(last, m.cursor+m.visible())
	case key.Matches(k, keys.Enter):
		id := m.entryID(m.cursor)
		return m, func() tea.Msg { return openLessonMsg{id: id} }
	}
	m.scroll()
	return m, nil
}

// selectLesson puts the cursor on a lesson (after coming back from it).
func (m *pickerModel) selectLesson(id string) {
	for i := range m.entries() {
		if m.entryID(i) == id {
			m.cursor = i
		}
	}
	m.scroll()
}

// visible is how many lessons fit on the screen.
func (m pickerModel) visible() int {
	return max(1, (m.c.height-m.chrome())/entryLines)
}

// chrome is the number of lines that are not the list.
func (m pickerModel) chrome() int {
	n := 5 // title, tagline, blank, blank, help
	if m.message != "" || m.c.progress.Warning != "" {
		n++
	}
	return n
}

func (m *pickerModel) scroll() {
	v := m.visible()
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+v {
		m.top = m.cursor - v + 1
	}
	m.top = max(0, min(m.top, m.entries()-v))
}

func (m pickerModel) View() string {
	c, st := m.c, m.c.styles
	w := c.width
	var b strings.Builder
	b.WriteString(" " + st.Title.Render("faultline") + st.Dim.Render(cut(" — how distributed databases break, and how tests catch it", w-11)) + "\n")
	b.WriteString(" " + cut("Each lesson runs a toy database on a simulated cluster; you add the faults.", w-2) + "\n\n")
	if len(m.lessons) == 0 {
		b.WriteString(" No lessons are built into this binary.\n")
	}
	m.scroll()
	v := m.visible()
	for i := m.top; i < m.entries() && i < m.top+v; i++ {
		b.WriteString(m.entry(i, w) + "\n")
	}
	used := 3 + entryLines*min(v, max(0, m.entries()-m.top))
	for ; used < c.height-2-boolInt(m.message != "" || c.progress.Warning != ""); used++ {
		b.WriteString("\n")
	}
	if note := m.note(); note != "" {
		b.WriteString(" " + st.Warn.Render(cut(note, w-2)) + "\n")
	}
	more := ""
	if m.top > 0 || m.top+v < m.entries() {
		more = fmt.Sprintf("entries %d–%d of %d", m.top+1, min(m.entries(), m.top+v), m.entries())
	}
	b.WriteString(" " + st.Dim.Render(more) + "\n")
	b.WriteString(c.helpBar(c.keys.pickerShort()))
	return fitBlock(b.String(), w, c.height)
}

func (m pickerModel) note() string {
	if m.message != "" {
		return m.message
	}
	return m.c.progress.Warning
}

// entry renders lesson i: a line with its number, title and progress, and
// a line with what it teaches.
func (m pickerModel) entry(i, width int) string {
	st := m.c.styles
	if i >= len(m.lessons) {
		return m.nodeEntry(i, width)
	}
	l := m.lessons[i]
	status := m.c.progress.status(l.ID)
	marker := "  "
	if i == m.cursor {
		marker = "> "
	}
	progress := fmt.Sprintf("%-7s", status)
	head := fmt.Sprintf("%s%2d  ", marker, l.Number)
	titleW := max(10, width-len(head)-len(progress)-3)
	line := " " + head + fit(l.Title, titleW) + " " + st.Progress[status].Render(progress)
	if i == m.cursor {
		line = " " + st.Selected.Render(head+fit(l.Title, titleW)) + " " + st.Progress[status].Render(progress)
	}
	summary := "      " + st.Dim.Render(cut(l.Summary, width-8))
	return line + "\n" + summary
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// nodeEntry is the last entry: the learner's own node, after the lessons.
func (m pickerModel) nodeEntry(i, width int) string {
	st := m.c.styles
	head := "   ★  "
	if i == m.cursor {
		head = ">  ★  "
	}
	title := fit("Your own node: run your program under faultline's faults", max(10, width-len(head)-4))
	line := " " + head + title
	if i == m.cursor {
		line = " " + st.Selected.Render(head+title)
	}
	summary := "      " + st.Dim.Render(cut("your program, any language, Maelstrom's protocol; checked like a lesson", width-8))
	return line + "\n" + summary
}
