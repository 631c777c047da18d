package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// exportDoneMsg says where the files went, or what failed.
type exportDoneMsg struct{ text string }

// exportJob is everything an export needs, copied out of the run so the
// command can write it while the run plays on.
type exportJob struct {
	dir      string
	base     string
	h        history.History
	scenario sim.Scenario
	result   *checker.Result // for the HTML page; nil: no page
	opts     checker.Options
}

// exportCmd writes the history (jsonl and edn), the scenario that replays
// the run exactly (live faults included), and, after a verdict on the
// whole run, porcupine's HTML page.
func (m *lessonModel) exportCmd(dir string) tea.Cmd {
	if len(m.run.s.History()) == 0 {
		m.flash = "nothing to export yet: r runs the lesson"
		return nil
	}
	job := exportJob{
		dir:      dir,
		base:     fmt.Sprintf("faultline-%s-%s-seed%d", m.l.ID, m.variant, m.seed),
		h:        append(history.History(nil), m.run.s.History()...),
		scenario: m.run.scenario(),
		opts:     checker.Options{Model: m.l.Model, Init: m.l.Init, Timeout: checkTimeout},
	}
	if m.check.result != nil && m.check.full && m.run.done() {
		r := *m.check.result
		job.result = &r
	}
	m.flash = "exporting…"
	return func() tea.Msg { return exportDoneMsg{text: job.write()} }
}

func (j exportJob) write() string {
	var written []string
	put := func(ext string, data []byte) error {
		path := filepath.Join(j.dir, j.base+ext)
		if err := writeFileAtomic(path, data); err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	var jl, edn bytes.Buffer
	if err := history.WriteJSONL(&jl, j.h); err != nil {
		return "export failed: " + err.Error()
	}
	if err := history.WriteEDN(&edn, j.h); err != nil {
		return "export failed: " + err.Error()
	}
	sc, err := json.MarshalIndent(j.scenario, "", "  ")
	if err != nil {
		return "export failed: " + err.Error()
	}
	for _, f := range []struct {
		ext  string
		data []byte
	}{{".jsonl", jl.Bytes()}, {".edn", edn.Bytes()}, {".scenario.json", append(sc, '\n')}} {
		if err := put(f.ext, f.data); err != nil {
			return "export failed: " + err.Error()
		}
	}
	note := ""
	if j.result != nil {
		var page bytes.Buffer
		if err := checker.WriteHTML(context.Background(), &page, j.h, *j.result, j.opts); err != nil {
			note = " (no HTML page: " + err.Error() + ")"
		} else if err := put(".html", page.Bytes()); err != nil {
			note = " (no HTML page: " + err.Error() + ")"
		}
	} else {
		note = " (the HTML page comes with a verdict on a finished run)"
	}
	dir, _ := filepath.Abs(j.dir)
	exts := make([]string, len(written))
	for i, p := range written {
		exts[i] = strings.TrimPrefix(filepath.Base(p), j.base)
	}
	// The folder first and the kinds of file next: a status line is cut
	// from the right.
	return fmt.Sprintf("exported to %s: %s of %s%s", dir, strings.Join(exts, " "), j.base, note)
}

// writeFileAtomic writes through a temp file and a rename, so no partial
// file is left behind.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
