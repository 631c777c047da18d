package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/internal/atomicfile"
)

// exportDoneMsg says where the files went (the status line's flash, and
// the lines of a box that names the files and the command that replays
// the run), or what failed.
type exportDoneMsg struct {
	flash  string
	notice []string
}

// exportJob is everything an export needs, copied out of the run so the
// command can write it while the run plays on.
type exportJob struct {
	dir    string
	base   string
	h      history.History
	result *checker.Result // for the HTML page; nil: no page
	opts   checker.Options
	// scenario writes the scenario file: a lesson's replays the run
	// exactly, a live run's records it to be checked again.
	scenario func(io.Writer) error
	// use says what the scenario file at path is for, and the command
	// that uses it.
	use func(path string) []string
	// pageNote is said when there is no HTML page.
	pageNote string
	// checkPrefix asks for the page of a run stopped where it breaks: the
	// history so far is checked again (the verdict on screen is the whole
	// run's), and its page written when it fails.
	checkPrefix bool
	// ctx ends the page's search when the screen goes (exportPrompt.stop).
	ctx context.Context
}

// exportCmd writes the history (jsonl and edn), the scenario that replays
// the run exactly (live faults included), and, after a verdict on the
// whole run, porcupine's HTML page.
func (m *lessonModel) exportCmd(dir string) tea.Cmd {
	if len(m.play.run.s.History()) == 0 {
		m.flash = "nothing to export yet: r runs the lesson"
		return nil
	}
	sc := m.play.run.scenario()
	job := exportJob{
		dir:  dir,
		base: fmt.Sprintf("faultline-%s-%s-seed%d", m.l.ID, m.variant, m.seed),
		h:    append(history.History(nil), m.play.run.s.History()...),
		opts: checker.Options{Model: m.l.Model, Init: m.l.Init, Timeout: checkTimeout},
		scenario: func(w io.Writer) error {
			b, err := json.MarshalIndent(sc, "", "  ")
			if err != nil {
				return err
			}
			_, err = w.Write(append(b, '\n'))
			return err
		},
		use: func(path string) []string {
			return []string{"Replay it exactly: go run . run --scenario " + path}
		},
		pageNote: "The HTML page comes with a verdict on a finished run.",
	}
	switch res := m.check.result; {
	case m.l.Transactional() || res == nil:
	case m.check.full && m.play.run.done():
		r := *res
		job.result = &r
	case res.Verdict == checker.NotLinearizable:
		// Stopped where it breaks (or stepped back): the page shows the
		// history so far, checked again in the background.
		job.checkPrefix = true
		job.pageNote = "No HTML page: the history so far did not fail on its own (the page comes with a failing verdict of the records exported)."
	}
	if m.l.Transactional() {
		txnExport(&job, m.l)
	}
	m.flash = "exporting…"
	job.ctx = m.exportTo.begin()
	return func() tea.Msg { return job.write() }
}

// exportExts are the files of an export, the scenario first.
var exportExts = []string{".scenario.json", ".jsonl", ".edn", ".html"}

// freeBase is base, or base-2, base-3, …: the first name none of whose
// files exists in dir, so that an export never overwrites another.
func freeBase(dir, base string) string {
	for n := 1; ; n++ {
		b := base
		if n > 1 {
			b = fmt.Sprintf("%s-%d", base, n)
		}
		taken := false
		for _, ext := range exportExts {
			if _, err := os.Lstat(filepath.Join(dir, b+ext)); err == nil {
				taken = true
			}
		}
		if !taken || n > 10_000 {
			return b
		}
	}
}

func (j exportJob) write() exportDoneMsg {
	fail := func(err error) exportDoneMsg { return exportDoneMsg{flash: "export failed: " + err.Error()} }
	ctx := j.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if err := os.MkdirAll(j.dir, 0o755); err != nil {
		return fail(err)
	}
	base := freeBase(j.dir, j.base)
	var sc, jl, edn, page bytes.Buffer
	if err := j.scenario(&sc); err != nil {
		return fail(err)
	}
	if err := history.WriteJSONL(&jl, j.h); err != nil {
		return fail(err)
	}
	if err := history.WriteEDN(&edn, j.h); err != nil {
		return fail(err)
	}
	files := []struct {
		ext  string
		data []byte
	}{{".scenario.json", sc.Bytes()}, {".jsonl", jl.Bytes()}, {".edn", edn.Bytes()}}
	note := j.pageNote
	res := j.result
	if res == nil && j.checkPrefix {
		if r, err := checker.Check(ctx, j.h, j.opts); err == nil && r.Verdict == checker.NotLinearizable {
			res = &r
		}
	}
	if res != nil {
		if err := checker.WriteHTML(ctx, &page, j.h, *res, j.opts); err != nil {
			note = "No HTML page: " + err.Error()
		} else {
			files = append(files, struct {
				ext  string
				data []byte
			}{".html", page.Bytes()})
			note = ""
		}
	}
	// All the files or none, through the command line's writer: no
	// reader sees one half-written, and an interrupted export leaves
	// nothing behind.
	var set atomicfile.Set
	var written []string
	for _, f := range files {
		data := f.data
		set.Add(filepath.Join(j.dir, base+f.ext), func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		})
		written = append(written, f.ext)
	}
	if err := set.Commit(); err != nil {
		return fail(err)
	}
	scenario := filepath.Join(j.dir, base+".scenario.json")
	notice := []string{fmt.Sprintf("Exported to %s: %s (%s).", j.dir, base+".scenario.json", strings.Join(written[1:], " "))}
	notice = append(notice, j.use(scenario)...)
	if note != "" {
		notice = append(notice, note)
	}
	notice = append(notice, "Any key goes on.")
	// The name is long (lesson, variant, seed): the box below says it.
	return exportDoneMsg{flash: "exported: the box below says where", notice: notice}
}
