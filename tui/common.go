package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/faultline-lab/faultline/lessons"
)

// The smallest terminal the TUI draws in; below it, it says so.
const (
	minWidth  = 80
	minHeight = 24
)

// common is what every screen shares: the terminal's size, styles, keys,
// the learner's progress and rendered lesson texts.
type common struct {
	width, height int
	styles        *Styles
	keys          *keyMap
	progress      *progressStore
	texts         *textCache
	help          help.Model
	// textOf reads what the workbench needs of a lesson's text (tests
	// hand it fake texts).
	textOf func(*lessons.Lesson) lessonText
}

func newCommon(r *lipgloss.Renderer, progress *progressStore) *common {
	st := NewStyles(r)
	h := help.New()
	h.Styles = help.Styles{
		Ellipsis:       st.Dim,
		ShortKey:       st.Key,
		ShortDesc:      st.Dim,
		ShortSeparator: st.Dim,
		FullKey:        st.Key,
		FullDesc:       st.Dim,
		FullSeparator:  st.Dim,
	}
	h.ShortSeparator = " · "
	return &common{styles: st, keys: newKeyMap(), progress: progress, texts: newTextCache(st), help: h, textOf: textOf}
}

func (c *common) tooSmall() bool { return c.width < minWidth || c.height < minHeight }

// helpBar renders a one-line help bar, cut to the width.
func (c *common) helpBar(bindings []key.Binding) string {
	h := c.help
	h.Width = c.width - 1
	return " " + h.ShortHelpView(bindings)
}

// tooSmallView explains that the terminal is too small, in as much space as
// there is.
func (c *common) tooSmallView() string {
	msg := fmt.Sprintf("faultline needs a terminal of at least %d×%d; this one is %d×%d. Make the window larger, or press q to quit.",
		minWidth, minHeight, c.width, c.height)
	return fitBlock(wrap(msg, c.width), c.width, c.height)
}

// fullHelp lays out the key groups in as many columns as the width
// allows, a group never split across two columns.
func (c *common) fullHelp(title string, groups []keyGroup) string {
	st := c.styles
	const colW = 38
	var blocks [][]string
	total := 0
	for _, g := range groups {
		b := []string{st.Bold.Render(g.Title)}
		for _, k := range g.Keys {
			h := k.Help()
			b = append(b, st.Key.Render(padRight(h.Key, 5))+" "+cut(h.Desc, colW-7))
		}
		blocks = append(blocks, b)
		total += len(b) + 1
	}
	ncol := max(1, min(len(blocks), (c.width-2)/colW))
	target := (total + ncol - 1) / ncol
	var cols [][]string
	var col []string
	for _, b := range blocks {
		if len(col) > 0 && len(col)+len(b) > target && len(cols) < ncol-1 {
			cols = append(cols, col)
			col = nil
		}
		if len(col) > 0 {
			col = append(col, "")
		}
		col = append(col, b...)
	}
	cols = append(cols, col)
	var rendered []string
	for _, col := range cols {
		for i, l := range col {
			col[i] = fit(l, colW)
		}
		rendered = append(rendered, strings.Join(col, "\n"))
	}
	body := st.Title.Render(title) + "\n\n" + lipgloss.JoinHorizontal(lipgloss.Top, rendered...) + "\n\n" + st.Dim.Render("esc or ? to close")
	return fitBlock(indent(body, 1), c.width, c.height)
}

// --- small text helpers, all safe for any width, even zero or negative ---

// padRight pads s with spaces to width cells (never cuts).
func padRight(s string, width int) string {
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// cut truncates s to width cells, with an ellipsis when it had to cut.
func cut(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// fit cuts and pads s to exactly width cells.
func fit(s string, width int) string {
	return padRight(cut(s, width), width)
}

// wrap word-wraps plain or styled text to width cells.
func wrap(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Wrap(s, width, "")
}

// fitBlock cuts every line to width and the block to height lines.
func fitBlock(s string, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = cut(l, width)
	}
	return strings.Join(lines, "\n")
}

// indent adds n spaces before every line.
func indent(s string, n int) string {
	pad := strings.Repeat(" ", max(0, n))
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// box draws a pane: a border with the title in its top edge, content cut
// and padded to exactly width×height cells overall, one space in from the
// left border.
func (c *common) box(title, content string, width, height int, focused bool) string {
	return c.boxPad(title, content, width, height, focused, 1)
}

func (c *common) boxPad(title, content string, width, height int, focused bool, pad int) string {
	if width < 4 || height < 2 {
		return fitBlock("", width, height)
	}
	st := c.styles.Pane
	border := lipgloss.RoundedBorder()
	if focused {
		st = c.styles.PaneFocused
		border = lipgloss.ThickBorder()
	}
	innerW, innerH := width-2, height-2
	lines := strings.Split(content, "\n")
	if len(lines) > innerH {
		lines = lines[:innerH]
	}
	for len(lines) < innerH {
		lines = append(lines, "")
	}
	// The edges are styled once and joined by hand: rendering the whole
	// block through lipgloss costs more than the rest of a frame.
	bc := st.GetBorderTopForeground()
	edge := c.styles.r.NewStyle().Foreground(bc)
	left, right := edge.Render(border.Left), edge.Render(border.Right)
	padding := strings.Repeat(" ", pad)
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(left)
		b.WriteString(fit(padding+l, innerW))
		b.WriteString(right)
		b.WriteByte('\n')
	}
	b.WriteString(edge.Render(border.BottomLeft + strings.Repeat(border.Bottom, innerW) + border.BottomRight))
	body := b.String()
	// The top edge carries the title, so that panes need no extra line.
	t := ""
	if title != "" {
		t = " " + title + " "
		if focused {
			t = " ▸ " + title + " "
		}
	}
	t = cut(t, max(0, innerW-1))
	fill := max(0, innerW-1-ansi.StringWidth(t))
	top := edge.Render(border.TopLeft+border.Top) + c.styles.PaneTitle.Render(t) + edge.Render(strings.Repeat(border.Top, fill)+border.TopRight)
	return top + "\n" + body
}
