package tui

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// exportPrompt asks where e should write: a folder the learner names, or,
// left empty, ./faultline-exports (or $FAULTLINE_EXPORT_DIR, or the last
// one named), made when missing. While it is open it takes every key.
type exportPrompt struct {
	open  bool
	input textinput.Model
	last  string // the folder of the last export, offered again
}

// askExport opens the prompt.
func (m *lessonModel) askExport() tea.Cmd {
	if len(m.run.s.History()) == 0 {
		m.flash = "nothing to export yet: r runs the lesson"
		return nil
	}
	in := textinput.New()
	in.Prompt = "export to folder: "
	in.Placeholder = defaultExportDir() + " (enter: there)"
	if last := m.exportTo.last; last != "" {
		in.Placeholder = last + " (as last time)"
	}
	in.CharLimit = 4096
	in.Cursor.SetMode(cursor.CursorStatic) // no blinking: no ticks to route
	in.Focus()
	m.exportTo.input, m.exportTo.open = in, true
	if m.run.playing {
		// A folder takes a moment to type; the run waits meanwhile.
		m.run.playing = false
		m.gen++
	}
	return nil
}

// exportKey edits the folder; enter exports there, esc gives up.
func (m *lessonModel) exportKey(k tea.KeyMsg) tea.Cmd {
	keys := m.c.keys
	switch {
	case key.Matches(k, keys.Esc):
		m.exportTo.open = false
		m.flash = "export cancelled"
		return nil
	case key.Matches(k, keys.Enter):
		m.exportTo.open = false
		typed := strings.TrimSpace(m.exportTo.input.Value())
		if typed == "" {
			typed = m.exportTo.last // enter alone: where the placeholder says
		}
		if typed == "" {
			typed = defaultExportDir()
		}
		dir, err := exportDir(typed)
		if err != nil {
			m.flash = "export failed: " + err.Error()
			return nil
		}
		m.exportTo.last = typed
		return m.exportCmd(dir)
	}
	var cmd tea.Cmd
	m.exportTo.input, cmd = m.exportTo.input.Update(k)
	return cmd
}

// ExportDirEnv names the folder exports go to by default.
const ExportDirEnv = "FAULTLINE_EXPORT_DIR"

// defaultExportDir is where exports go unless the learner names a folder:
// one folder for them all, so that they do not litter the current one.
func defaultExportDir() string {
	if d := os.Getenv(ExportDirEnv); d != "" {
		return d
	}
	return "faultline-exports"
}

// exportDir resolves the folder typed: ~ is the home folder; the default
// folder is made when missing, any other must exist and be a folder.
func exportDir(typed string) (string, error) {
	dir := strings.TrimSpace(typed)
	if dir == "" {
		dir = "."
	}
	if dir == "~" || strings.HasPrefix(dir, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, strings.TrimPrefix(dir, "~"))
	}
	if typed == defaultExportDir() {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
	}
	fi, err := os.Stat(dir)
	switch {
	case os.IsNotExist(err):
		abs, _ := filepath.Abs(dir)
		return "", &exportError{"there is no folder " + abs + " (create it first, or name another)"}
	case err != nil:
		return "", err
	case !fi.IsDir():
		return "", &exportError{dir + " is a file, not a folder"}
	}
	return dir, nil
}

type exportError struct{ msg string }

func (e *exportError) Error() string { return e.msg }

// exportPromptLine is the prompt, shown in place of the status line.
func (m *lessonModel) exportPromptLine() string {
	if !m.exportTo.open {
		return ""
	}
	st := m.c.styles
	hint := st.Dim.Render("  enter: export here · esc: cancel")
	in := m.exportTo.input
	in.Width = max(10, m.c.width-lineWidth(hint)-3)
	if in.Value() != "" {
		in.Width -= len([]rune(in.Prompt)) // a placeholder's room counts the prompt, a value's does not
	}
	return cut(" "+in.View()+hint, m.c.width)
}
