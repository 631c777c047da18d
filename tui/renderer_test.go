package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// globalRenderer is lipgloss's package-level API that draws with the
// default renderer (standard output's profile and background) instead of
// the one the program was given: a style made that way ignores NO_COLOR in
// tests and the background the terminal answered.
var globalRenderer = regexp.MustCompile(`lipgloss\.(NewStyle|Place|PlaceHorizontal|PlaceVertical|SetColorProfile|SetHasDarkBackground|HasDarkBackground|ColorProfile|DefaultRenderer|SetDefaultRenderer)\(`)

// Every style of the TUI comes from the renderer it was given (Styles.r):
// no file draws with lipgloss's global one (witness_view.go once did).
func TestNoFileUsesTheGlobalRenderer(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if globalRenderer.MatchString(line) {
				t.Errorf("%s:%d draws with lipgloss's global renderer: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}
