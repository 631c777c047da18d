package tui

import (
	"context"
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

	// What the last key decided: a folder to export to, a reason it
	// cannot be, or that the learner gave up.
	dir       string
	failed    string
	cancelled bool

	// stopWork ends the last export's HTML search (the screen is going).
	stopWork context.CancelFunc
}

// begin is the context of a new export's work; the last one's ends.
func (p *exportPrompt) begin() context.Context {
	p.stop()
	ctx, cancel := context.WithCancel(context.Background())
	p.stopWork = cancel
	return ctx
}

// stop ends an export's search for its page, if one is still working.
func (p *exportPrompt) stop() {
	if p.stopWork != nil {
		p.stopWork()
		p.stopWork = nil
	}
}

// askExport opens the prompt (the run waits meanwhile: a folder takes a
// moment to type).
func (m *lessonModel) askExport() tea.Cmd {
	if len(m.play.run.s.History()) == 0 {
		m.flash = "nothing to export yet: r runs the lesson"
		return nil
	}
	m.exportTo = m.exportTo.show()
	if m.play.run.playing {
		m.play.pause()
	}
	return nil
}

// take hands a key to the prompt: with a folder chosen, it returns the
// command export makes of it; a failure or a cancel is said in flash.
func (p *exportPrompt) take(k tea.KeyMsg, c *common, flash *string, export func(dir string) tea.Cmd) tea.Cmd {
	var cmd tea.Cmd
	*p, cmd = p.Update(k, c)
	switch {
	case p.failed != "":
		*flash = p.failed
	case p.cancelled:
		*flash = "export cancelled"
	case p.dir != "":
		return export(p.dir)
	}
	return cmd
}

func (p exportPrompt) show() exportPrompt {
	in := textinput.New()
	in.Prompt = "export to folder: "
	in.Placeholder = defaultExportDir() + " (enter: there)"
	if p.last != "" {
		in.Placeholder = p.last + " (as last time)"
	}
	in.CharLimit = 4096
	in.Cursor.SetMode(cursor.CursorStatic) // no blinking: no ticks to route
	in.Focus()
	return exportPrompt{open: true, input: in, last: p.last}
}

// Update edits the folder; enter chooses it (dir, or failed saying why),
// esc gives up (cancelled).
func (p exportPrompt) Update(k tea.KeyMsg, c *common) (exportPrompt, tea.Cmd) {
	keys := c.keys
	p.dir, p.failed, p.cancelled = "", "", false
	switch {
	case key.Matches(k, keys.Esc):
		p.open, p.cancelled = false, true
		return p, nil
	case key.Matches(k, keys.Enter):
		p.open = false
		typed := strings.TrimSpace(p.input.Value())
		if typed == "" {
			typed = p.last // enter alone: where the placeholder says
		}
		if typed == "" {
			typed = defaultExportDir()
		}
		dir, err := exportDir(typed)
		if err != nil {
			p.failed = "export failed: " + err.Error()
			return p, nil
		}
		p.last, p.dir = typed, dir
		return p, nil
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(k)
	return p, cmd
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

// View is the prompt on one line ("" when closed).
func (p exportPrompt) View(c *common) string {
	if !p.open {
		return ""
	}
	hint := c.styles.Dim.Render("  enter: export here · esc: cancel")
	in := p.input
	in.Width = max(10, c.width-lineWidth(hint)-3)
	if in.Value() != "" {
		in.Width -= len([]rune(in.Prompt)) // a placeholder's room counts the prompt, a value's does not
	}
	return cut(" "+in.View()+hint, c.width)
}
