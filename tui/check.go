package tui

import (
	"context"
	"sync/atomic"

	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
)

// checkTimeout bounds a check from the TUI, as the CLI's default does.
const checkTimeout = checker.DefaultTimeout

// checkState is the checker's work on the lesson screen: running in the
// background with a spinner, cancelled with esc, or done with a result.
type checkState struct {
	id       int // which check a checkDoneMsg answers
	running  bool
	cancel   context.CancelFunc
	progress *checkProgress
	spinner  spinner.Model
	ops      int // client records being checked

	// The outcome of the last check that finished.
	result    *checker.Result
	err       error
	cancelled bool
	full      bool   // it checked a finished run (not a prefix)
	variant   string // the variant the run used
	witness   map[int64]mark
	// extra is what a check gives besides the result (a live run's
	// workload check: its maelstrom.Result).
	extra any
	// words are how its verdicts read (nil: linearizability's).
	words *verdictWords
}

// verdictWords are how a verdict reads. A lesson's (and a live lin-kv
// run's) are linearizability's; the other workloads of a live run are
// valid or invalid, and their witness is the operations that show it.
type verdictWords struct {
	pass, fail, unknown string
	witness             string // what the witness is, after "the witness: "
	none                string // said where a view needs a failing verdict and there is none
}

var linearizabilityWords = verdictWords{pass: "LINEARIZABLE", fail: "NOT LINEARIZABLE", unknown: "UNKNOWN",
	witness: "the smallest part of the history that is still not linearizable",
	none:    "there is no NOT LINEARIZABLE verdict"}

func (c *checkState) wordsOf() verdictWords {
	if c.words == nil {
		return linearizabilityWords
	}
	return *c.words
}

// word is a verdict in its words, styled (without colour it still reads).
func (c *checkState) word(st *Styles, v checker.Verdict) string {
	return verdictIn(st, v, c.wordsOf())
}

// mark is how a history record is marked after a failing verdict.
type mark uint8

const (
	markNone    mark = iota
	markWitness      // part of the minimal witness
	markFailing      // the operation that could not be linearized
)

// checkProgress is written by the checker's goroutine and read by View.
type checkProgress struct{ done, total atomic.Int64 }

// checkDoneMsg carries a check's outcome back to Update.
type checkDoneMsg struct {
	id    int
	res   checker.Result
	extra any
	err   error
}

// checkCmd checks a copy of the history in the background.
func checkCmd(ctx context.Context, id int, l *lessons.Lesson, h history.History, p *checkProgress) tea.Cmd {
	return func() tea.Msg {
		res, extra, err := checkLesson(ctx, l, h, checker.Options{Timeout: checkTimeout, Progress: func(done, total int) {
			p.done.Store(int64(done))
			p.total.Store(int64(total))
		}})
		return checkDoneMsg{id: id, res: res, extra: extra, err: err}
	}
}

// start begins a check of h; the returned command runs it and spins.
func (c *checkState) start(l *lessons.Lesson, h history.History, full bool, variant string) tea.Cmd {
	return c.startWith(h, full, variant, func(ctx context.Context, id int, h history.History, p *checkProgress) tea.Cmd {
		return checkCmd(ctx, id, l, h, p)
	})
}

// checkFunc makes the command that checks h and answers with a
// checkDoneMsg for check id.
type checkFunc func(ctx context.Context, id int, h history.History, p *checkProgress) tea.Cmd

// startWith begins a check of h by run; the returned command runs it and
// spins.
func (c *checkState) startWith(h history.History, full bool, variant string, run checkFunc) tea.Cmd {
	c.stop()
	ctx, cancel := context.WithCancel(context.Background())
	c.id++
	c.running, c.cancel, c.progress = true, cancel, &checkProgress{}
	c.result, c.err, c.cancelled, c.witness, c.extra = nil, nil, false, nil, nil
	c.full, c.variant = full, variant
	c.ops = 0
	for _, o := range h {
		if !o.IsNemesis() {
			c.ops++
		}
	}
	cp := append(history.History(nil), h...) // the run goes on appending to its own
	return tea.Batch(run(ctx, c.id, cp, c.progress), c.spinner.Tick)
}

// stop cancels a running check; its result, when it comes, is ignored.
func (c *checkState) stop() {
	if c.cancel != nil {
		c.cancel()
	}
	if c.running {
		c.id++ // so the cancelled check's message is stale
	}
	c.running, c.cancel = false, nil
}

// clear forgets the last outcome (a new run began).
func (c *checkState) clear() {
	c.stop()
	c.result, c.err, c.cancelled, c.witness, c.extra = nil, nil, false, nil, nil
}

// finish records a check's outcome. It reports false for a stale message.
func (c *checkState) finish(msg checkDoneMsg) bool {
	if msg.id != c.id || !c.running {
		return false
	}
	if c.cancel != nil {
		c.cancel()
	}
	c.running, c.cancel = false, nil
	if msg.err != nil {
		c.err = msg.err
		return true
	}
	res := msg.res
	c.result, c.extra = &res, msg.extra
	c.witness = marks(res)
	return true
}

// cancelByUser stops the check at the learner's esc.
func (c *checkState) cancelByUser() {
	c.stop()
	c.cancelled = true
}

func marks(res checker.Result) map[int64]mark {
	if res.Verdict != checker.NotLinearizable {
		return nil
	}
	m := map[int64]mark{}
	for _, o := range res.Witness {
		m[o.Index] = markWitness
	}
	if res.Failing != nil {
		m[res.Failing.Index] = markFailing
	}
	return m
}

// failingIndex is the history index of the failing operation's invocation,
// or -1.
func (c *checkState) failingIndex() int64 {
	if c.result == nil || c.result.Failing == nil {
		return -1
	}
	return c.result.Failing.Index
}

// adopt takes a verdict computed elsewhere (ahead of playback) for the
// finished run of a variant, as if a check had just given it; extra is
// what that check gave besides.
func (c *checkState) adopt(res checker.Result, extra any, variant string) {
	c.stop()
	c.id++
	c.result, c.extra, c.err, c.cancelled = &res, extra, nil, false
	c.full, c.variant = true, variant
	c.witness = marks(res)
	c.ops = res.Ops
}
