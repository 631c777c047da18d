package tui

import (
	"io"
	"os"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/faultline-lab/faultline/internal/testkit"
)

// failingSeed is a seed on which lesson 2's default variant gives a stale
// read (TestFailingSeedStillFails keeps it honest).
const failingSeed = 1

// long reports whether FAULTLINE_LONG=1 asks for the long runs.
var long = testkit.Long

// asciiRenderer renders without colour, as under NO_COLOR.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

// newTestModel builds the root with progress kept in a temp dir, sized.
func newTestModel(t testing.TB, opts Options, w, h int) Model {
	t.Helper()
	m, err := newModel(opts, asciiRenderer(), openProgress(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	return update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
}

// update sends one message and returns the new root.
func update(t testing.TB, m Model, msg tea.Msg) Model {
	t.Helper()
	next, _ := m.Update(msg)
	return next.(Model)
}

// updateCmd sends one message and returns the new root and its command.
func updateCmd(m Model, msg tea.Msg) (Model, tea.Cmd) {
	next, cmd := m.Update(msg)
	return next.(Model), cmd
}

// press types keys, one at a time ("space", "enter", "esc", "tab", "up",
// "down" by name; anything else rune by rune).
func press(t testing.TB, m Model, keys ...string) Model {
	t.Helper()
	for _, k := range keys {
		m, _ = updateCmd(m, keyMsg(k))
	}
	return m
}

func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "pgup":
		return tea.KeyMsg{Type: tea.KeyPgUp}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// run executes a command and the commands of a batch, one level deep, and
// returns their messages. Never call it on a playback tick (it sleeps).
func run(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			if c != nil {
				out = append(out, c())
			}
		}
		return out
	}
	return []tea.Msg{msg}
}

// playToEnd plays the lesson's run frame by frame until it finishes, then
// runs the check and delivers its verdict.
func playToEnd(t testing.TB, m Model) Model {
	t.Helper()
	l := m.lesson
	if !l.play.run.started {
		m = press(t, m, "r")
		l = m.lesson
	}
	var cmd tea.Cmd
	for i := 0; !l.play.run.done(); i++ {
		if i > 1_000_000 {
			t.Fatal("the run never finished")
		}
		l.play.run.playing = true
		m, cmd = updateCmd(m, frameMsg{gen: l.play.gen})
		l = m.lesson
	}
	return deliverCheck(t, m, cmd)
}

// deliverCheck runs a check command and hands its result to the model.
func deliverCheck(t testing.TB, m Model, cmd tea.Cmd) Model {
	t.Helper()
	for _, msg := range run(cmd) {
		if _, ok := msg.(checkDoneMsg); ok {
			m = update(t, m, msg)
		}
	}
	if m.lesson.check.running {
		t.Fatal("the check did not finish")
	}
	return m
}

// plain strips escape codes, so assertions read the text.
func plain(s string) string { return ansi.Strip(s) }

// assertFits checks that a view is exactly as tall as the screen and no
// line is wider.
func assertFits(t testing.TB, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("view has %d lines, screen %d", len(lines), h)
	}
	for i, l := range lines {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("line %d is %d wide, screen %d: %q", i, lw, w, plain(l))
		}
	}
}

// resizes are the sizes the resize tests try: every size just around the
// smallest the screens support and the sizes the README promises, and a
// grid up to 230×70 — a fine one with FAULTLINE_LONG=1, a coarse one
// otherwise (the suite stays fast; the edges are tried either way).
func resizes() [][2]int {
	out := [][2]int{{0, 0}, {1, 1}, {80, 24}, {100, 30}, {160, 45}, {230, 70}}
	for dw := -1; dw <= 1; dw++ {
		for dh := -1; dh <= 1; dh++ {
			out = append(out, [2]int{minWidth + dw, minHeight + dh})
		}
	}
	dw, dh := 29, 11
	if long() {
		dw, dh = 11, 5
	}
	for w := 0; w <= 230; w += dw {
		for h := 0; h <= 70; h += dh {
			out = append(out, [2]int{w, h})
		}
	}
	return out
}

// resizeThrough resizes a screen through every size of resizes, checking
// that it fits wherever the screen is big enough, and ends at 80×24.
func resizeThrough(t *testing.T, s Model) Model {
	t.Helper()
	for _, size := range resizes() {
		w, h := size[0], size[1]
		s = update(t, s, tea.WindowSizeMsg{Width: w, Height: h})
		if v := s.View(); w >= minWidth && h >= minHeight {
			assertFits(t, v, w, h)
		}
	}
	s = update(t, s, tea.WindowSizeMsg{Width: 80, Height: 24})
	assertFits(t, s.View(), 80, 24)
	return s
}

// folderNames are the names in a folder (none when it cannot be read).
func folderNames(dir string) []string {
	entries, _ := os.ReadDir(dir)
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
