package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

func TestExportAsksForAFolderAndSaysWhere(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 160, 40) // wide enough for a temporary folder's long name
	m = pressSettle(t, m, "t", "e")
	l := m.lesson
	if !l.exportTo.open {
		t.Fatal("e did not ask for a folder")
	}
	v := plain(m.View())
	if !strings.Contains(v, "export to folder:") || !strings.Contains(v, "faultline-exports (enter: there)") {
		t.Errorf("the prompt does not say what it asks, or its default:\n%s", v)
	}
	// Every key is a character of the folder while it is typed: q, ? and
	// the fault keys included.
	m = pressSettle(t, m, "q", "?", "p")
	if !l.exportTo.open || m.showHelp || !l.explore.open || l.exportTo.input.Value() != "q?p" {
		t.Fatalf("keys escaped the prompt: value %q, help %v", l.exportTo.input.Value(), m.showHelp)
	}
	for range 3 {
		m = pressSettle(t, m, "backspace")
	}
	dir := t.TempDir()
	m = typeText(t, m, dir)
	m = pressSettle(t, m, "enter")
	if l.exportTo.open {
		t.Fatal("enter did not close the prompt")
	}
	base := filepath.Join(dir, "faultline-stale-replica-reads-read-any-seed1")
	for _, ext := range []string{".jsonl", ".edn", ".scenario.json", ".html"} {
		if fi, err := os.Stat(base + ext); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", ext, err)
		}
	}
	notice := strings.Join(l.notice, " ")
	if !strings.Contains(notice, "Exported to "+dir) || !strings.Contains(notice, "go run . run --scenario "+base+".scenario.json") {
		t.Errorf("the export does not say where, or how to replay it: %q", notice)
	}
	// The folder is offered again next time: enter alone exports there.
	m = pressSettle(t, m, "e")
	if v := plain(m.View()); !strings.Contains(v, dir+" (as last time)") {
		t.Errorf("the prompt does not offer the last folder %q:\n%s", dir, v)
	}
	before, _ := os.ReadFile(base + ".jsonl")
	os.WriteFile(base+".jsonl", []byte("mine"), 0o644)
	m = pressSettle(t, m, "enter")
	// Never overwritten: the second export takes a suffix.
	if _, err := os.Stat(base + "-2.scenario.json"); err != nil {
		t.Errorf("enter alone did not export to the last folder, with a suffix: %v", err)
	}
	if b, _ := os.ReadFile(base + ".jsonl"); string(b) != "mine" || len(before) == 0 {
		t.Error("an export overwrote an earlier file")
	}
	m = pressSettle(t, m, "e", "esc")
	if l.exportTo.open || !l.explore.open {
		t.Error("esc did not cancel just the prompt")
	}
}

func TestExportToAMissingFolderSaysSo(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	m = pressSettle(t, m, "e")
	missing := filepath.Join(t.TempDir(), "no", "such")
	m = typeText(t, m, missing)
	m = pressSettle(t, m, "enter")
	if f := m.lesson.flash; !strings.Contains(f, "export failed") || !strings.Contains(f, "no folder "+missing) {
		t.Errorf("flash %q", f)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Error("the export created the folder")
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, []byte("x"), 0o644)
	m = pressSettle(t, m, "e")
	m.lesson.exportTo.input.SetValue(file)
	m = pressSettle(t, m, "enter")
	if f := m.lesson.flash; !strings.Contains(f, "is a file, not a folder") {
		t.Errorf("flash %q", f)
	}
}

func TestExportDefaultsToItsOwnFolder(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	m := failedRun(t, 100, 30)
	m = pressSettle(t, m, "e", "enter")
	matches, _ := filepath.Glob(filepath.Join(dir, "faultline-exports", "faultline-*"))
	if len(matches) != 4 {
		t.Errorf("exported %v into ./faultline-exports, want 4 files", matches)
	}
	for _, f := range matches {
		if strings.Contains(f, ".tmp-") {
			t.Errorf("a temporary file was left behind: %s", f)
		}
	}
}

// typeText types s into the model as a learner would, key by key.
func typeText(t testing.TB, m Model, s string) Model {
	t.Helper()
	for _, r := range s {
		m = pressSettle(t, m, string(r))
	}
	return m
}

func TestExplorerNoPanicOnAnyResize(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	screens := map[string]Model{
		"prompt in the timeline": pressSettle(t, m, "t", "e", "x"),
		"witness, moved":         pressSettle(t, m, "w", "tab", "tab"),
		"messages, moved":        pressSettle(t, m, "m", "pgdown", "up"),
		"timeline zoomed out":    pressSettle(t, m, "t", "-", "-", "-", "-", "-", "-", "right"),
		"timeline zoomed in":     pressSettle(t, m, "t", "+", "+", "+", "+", "+", "+", "+", "+", "+", "left"),
	}
	live := openLesson2(t, 100, 30)
	live = frames(t, press(t, live, "esc", "r"), 30)
	screens["following a run"] = pressSettle(t, live, "t")
	for name, s := range screens {
		s = resizeThrough(t, s)
		if s.lesson.explore.open == false {
			t.Errorf("%s: resizing closed the view", name)
		}
	}
}

// At the break point the export has the page of the history so far (its
// failing operation is in it), and nothing but the export's files is left
// in the folder.
func TestExportAtTheBreakPointHasItsPage(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	m = startAhead(t, m)
	m = playUntilPaused(t, m)
	if m.lesson.play.run.done() || m.lesson.check.result == nil {
		t.Fatal("the run did not stop at its break point")
	}
	dir := t.TempDir()
	msgs := run(m.lesson.exportCmd(dir))
	done := msgs[0].(exportDoneMsg)
	base := "faultline-stale-replica-reads-read-any-seed1"
	page, err := os.ReadFile(filepath.Join(dir, base+".html"))
	if err != nil || len(page) == 0 {
		t.Fatalf("no page at the break point: %v; said %q", err, done.notice)
	}
	h, _, err := history.ReadFile(filepath.Join(dir, base+".jsonl"), "jsonl")
	if err != nil || len(h) != len(m.lesson.play.run.s.History()) {
		t.Errorf("exported history: %d records of %d, %v", len(h), len(m.lesson.play.run.s.History()), err)
	}
	if names := folderNames(dir); len(names) != 4 {
		t.Errorf("the folder holds %q, want the 4 files of the export", names)
	}
}

// Leaving the screen ends an export's search for its page: the history
// and the scenario are still written, and the note says why there is no
// page.
func TestAnExportWhoseScreenWentHasNoPage(t *testing.T) {
	t.Parallel()
	m := failedRun(t, 100, 30)
	dir := t.TempDir()
	cmd := m.lesson.exportCmd(dir)
	m.lesson.leave()
	done := run(cmd)[0].(exportDoneMsg)
	base := filepath.Join(dir, "faultline-stale-replica-reads-read-any-seed1")
	for _, ext := range []string{".jsonl", ".edn", ".scenario.json"} {
		if _, err := os.Stat(base + ext); err != nil {
			t.Errorf("%s: %v", ext, err)
		}
	}
	if _, err := os.Stat(base + ".html"); err == nil {
		t.Error("the page was written although its search was stopped")
	}
	if text := strings.Join(done.notice, " "); !strings.Contains(text, "No HTML page") {
		t.Errorf("the notice does not say why there is no page: %q", text)
	}
}
