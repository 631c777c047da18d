package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProgressSavesAndLoads(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := openProgress(dir)
	if s.Warning != "" {
		t.Fatalf("fresh dir warned: %s", s.Warning)
	}
	if got := s.status("stale-replica-reads"); got != statusNew {
		t.Fatalf("status before anything = %q, want new", got)
	}
	two := 1
	if w := s.update("stale-replica-reads", func(p *lessonProgress) { p.Status = statusStarted; p.Predicted = &two }); w != "" {
		t.Fatal(w)
	}
	again := openProgress(dir)
	if got := again.status("stale-replica-reads"); got != statusStarted {
		t.Errorf("reloaded status = %q, want started", got)
	}
	if p := again.get("stale-replica-reads"); p.Predicted == nil || *p.Predicted != 1 {
		t.Errorf("reloaded prediction = %v, want 1", p.Predicted)
	}
	// The atomic write leaves no temp files behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != progressFileName {
			t.Errorf("stray file %s in the config dir", e.Name())
		}
	}
}

func TestCorruptProgressIsSetAsideNotFatal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, progressFileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := openProgress(dir)
	if !strings.Contains(s.Warning, "corrupt") || !strings.Contains(s.Warning, ".corrupt") {
		t.Errorf("warning = %q, want it to say the file was corrupt and where it went", s.Warning)
	}
	if _, err := os.Stat(path + ".corrupt"); err != nil {
		t.Errorf("the corrupt file was not set aside: %v", err)
	}
	if got := s.status("first-history"); got != statusNew {
		t.Errorf("status after a corrupt file = %q, want new", got)
	}
	// Progress still saves afterwards.
	if w := s.update("first-history", func(p *lessonProgress) { p.Status = statusDone }); w != "" {
		t.Fatal(w)
	}
	if got := openProgress(dir).status("first-history"); got != statusDone {
		t.Errorf("status after saving = %q, want done", got)
	}
	// A second corrupt file does not overwrite the first one set aside.
	os.WriteFile(path, []byte("[]"), 0o644)
	openProgress(dir)
	if _, err := os.Stat(path + ".corrupt.1"); err != nil {
		t.Errorf("a second corrupt file was not set aside beside the first: %v", err)
	}
}

func TestUnwritableProgressIsReportedNotFatal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o644)
	s := openProgress(filepath.Join(blocker, "faultline")) // a dir under a file cannot exist
	w := s.update("first-history", func(p *lessonProgress) { p.Status = statusStarted })
	if w == "" {
		t.Fatal("a failed save was not reported")
	}
	if got := s.status("first-history"); got != statusStarted {
		t.Errorf("in-memory status = %q, want started even when saving failed", got)
	}
}

func TestProgressDirHonoursEnv(t *testing.T) {
	t.Setenv(ConfigDirEnv, "/some/where")
	d, err := progressDir()
	if err != nil || d != "/some/where" {
		t.Errorf("progressDir = %q, %v; want /some/where", d, err)
	}
}

func TestCorruptProgressNoticeIsOneSentence(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, progressFileName), []byte(`{"version": 1, "lessons": {"x": 7}}`), 0o644)
	w := openProgress(dir).Warning
	if strings.Count(w, ". ") > 0 || !strings.HasSuffix(w, ".") || !strings.HasPrefix(w, "Your progress file") {
		t.Errorf("the notice is not one sentence: %q", w)
	}
	for _, goWords := range []string{"json:", "unmarshal", "Go value", "*tui.", "lessonProgress", "cannot"} {
		if strings.Contains(w, goWords) {
			t.Errorf("the notice speaks Go (%q): %q", goWords, w)
		}
	}
}

func TestUnknownProgressStatusesAreIgnored(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, progressFileName),
		[]byte(`{"version": 1, "lessons": {"stale-replica-reads": {"status": "mastered", "saw_default_fail": true}}}`), 0o644)
	s := openProgress(dir)
	if s.Warning != "" {
		t.Errorf("an unknown status is reported: %q", s.Warning)
	}
	p := s.get("stale-replica-reads")
	if p.Status != statusNew || !p.SawFail {
		t.Errorf("read %+v, want the status ignored (new) and the evidence kept", p)
	}
}
