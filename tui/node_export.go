package tui

import (
	"fmt"
	"io"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/maelstrom"
)

// askExport opens the folder prompt once the run is over: its record is
// whole only then.
func (m *nodeModel) askExport() tea.Cmd {
	switch {
	case m.live == nil:
		m.flash = "nothing to export yet"
		return nil
	case m.stage != stageOver && m.stage != stageFailed:
		m.flash = "e exports the run once it is over (esc twice ends it now)"
		return nil
	case m.out == nil:
		m.flash = "the run left nothing to export"
		return nil
	}
	m.exportTo = m.exportTo.show()
	return nil
}

// exportCmd writes the run's record — its configuration, faults and
// history, which `faultline node --scenario F` checks again — with the
// history as JSON lines and EDN, and porcupine's page for a lin-kv
// verdict.
func (m *nodeModel) exportCmd(dir string) tea.Cmd {
	sc := m.live.r.Scenario(*m.out)
	job := exportJob{
		dir:  dir,
		base: fmt.Sprintf("faultline-node-%s-seed%d", m.cfg.Workload, m.cfg.Seed),
		h:    append(history.History(nil), m.out.History...),
		opts: checker.Options{Model: "kv", Timeout: checkTimeout},
		scenario: func(w io.Writer) error {
			return maelstrom.WriteScenario(w, sc)
		},
		use: func(path string) []string {
			return []string{
				"Check it again: go run . node --scenario " + path,
				"It records what happened, not a replay (your nodes ran in real time). Its workload and faults against a node again: add --bin " +
					quoteArg(maelstrom.QuoteCommand(m.cfg.Bin)) + ".",
			}
		},
		pageNote: "The HTML page is porcupine's, for lin-kv's linearizability verdict.",
	}
	if wres, ok := m.result(); ok && wres.Lin != nil && m.check.full {
		r := *wres.Lin
		job.result = &r
		job.pageNote = ""
	}
	m.flash = "exporting…"
	job.ctx = m.exportTo.begin()
	return func() tea.Msg { return job.write() }
}

// quoteArg quotes a command line as one shell word.
func quoteArg(s string) string { return maelstrom.QuoteCommand([]string{s}) }
