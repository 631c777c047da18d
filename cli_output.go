package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/internal/atomicfile"
)

// verdictJSON is the --json object of run and check (DESIGN's fields, and
// a few more: where the verdict came from).
type verdictJSON struct {
	Verdict     string          `json:"verdict"`
	Anomaly     string          `json:"anomaly,omitempty"`
	Explanation string          `json:"explanation,omitempty"`
	Summary     []string        `json:"summary,omitempty"` // the witness grouped, as the text shows it
	Witness     history.History `json:"witness,omitempty"`
	// WitnessFaults are the faults in force during the witness's
	// operations, as the text names them.
	WitnessFaults []witnessFaultJSON `json:"witness_faults,omitempty"`
	Failing       *history.Op        `json:"failing,omitempty"`
	// Prefix and Tip are the headline's facts: records 0 to Prefix−1
	// linearize, and Tip (record Prefix) is the first that cannot be added.
	Prefix *int        `json:"prefix,omitempty"`
	Tip    *history.Op `json:"tip,omitempty"`
	// Reason says what stopped the check: why the verdict is unknown, or
	// why the witness is not minimal.
	Reason       string  `json:"reason,omitempty"`
	Model        string  `json:"model,omitempty"`
	File         string  `json:"file,omitempty"`
	Format       string  `json:"format,omitempty"`
	Records      *int    `json:"records,omitempty"`
	SkippedLines *int    `json:"skipped_lines,omitempty"`
	Lesson       string  `json:"lesson,omitempty"`
	Variant      string  `json:"variant,omitempty"`
	Seed         *uint64 `json:"seed,omitempty"`
	Ops          *int    `json:"ops,omitempty"`
	VirtualNs    *int64  `json:"virtual_ns,omitempty"`
	Faults       int     `json:"faults,omitempty"` // fault actions applied (heals included)
	// FaultIntervals are the run's faults, each with its owner and the
	// virtual time it was in force.
	FaultIntervals []runFaultJSON `json:"fault_intervals,omitempty"`
	Notes          []string       `json:"notes,omitempty"`
}

// resultJSON is a check's result of h for --json.
func resultJSON(r checker.Result, h history.History) verdictJSON {
	v := verdictJSON{Verdict: string(r.Verdict), Anomaly: r.Anomaly, Explanation: r.Explanation, Summary: r.Summary,
		Witness: r.Witness, WitnessFaults: witnessFaults(h, r.Faults), Failing: r.Failing, Tip: r.Tip,
		Reason: r.Reason, Model: string(r.Model)}
	if r.Verdict == checker.NotLinearizable && r.Prefix >= 0 {
		v.Prefix = &r.Prefix
	}
	return v
}

func exitFor(v checker.Verdict) int {
	switch v {
	case checker.Linearizable:
		return exitOK
	case checker.NotLinearizable:
		return exitFailed
	}
	return exitUnknown
}

// outcome is a checker's answer, ready to print and to write.
type outcome struct {
	verdict checker.Verdict
	text    string                // for people
	json    any                   // the --json object; verdictJSON for linearizability
	html    func(io.Writer) error // the HTML page; nil when the model has none
	notes   []string              // outputs skipped, and why (printed under the verdict)
}

func verdictOutcome(res checker.Result, h history.History) outcome {
	return outcome{verdict: res.Verdict, text: checker.FormatText(res), json: resultJSON(res, h)}
}

// checkGrace is how long a check may take to notice its deadline before
// the command stops waiting for it: --timeout bounds the command even
// where a phase of the check does not look at the clock.
const checkGrace = 250 * time.Millisecond

// checkBounded runs check, giving up checkGrace after ctx is done with an
// unknown verdict. A panic in the checker is a bug: it comes back as an
// unknown verdict that says so, never as a crash.
func checkBounded(ctx context.Context, h history.History, opts checker.Options,
	check func(context.Context, history.History, checker.Options) (checker.Result, error)) (outcome, checker.Result, error) {
	type answer struct {
		res   checker.Result
		err   error
		panic any
	}
	done := make(chan answer, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- answer{panic: p}
			}
		}()
		res, err := check(ctx, h, opts)
		done <- answer{res: res, err: err}
	}()
	var a answer
	select {
	case a = <-done:
	case <-ctx.Done():
		select {
		case a = <-done:
		case <-time.After(checkGrace):
			a.res = checker.Result{Verdict: checker.Unknown, Model: opts.Model, Ops: countInvokes(h), Prefix: -1,
				Reason: "the time limit ran out while the checker was still working"}
		}
	}
	switch {
	case a.err != nil:
		return outcome{}, a.res, a.err
	case a.panic != nil:
		res := checker.Result{Verdict: checker.Unknown, Model: opts.Model, Ops: countInvokes(h)}
		msg := fmt.Sprintf("unknown: the checker failed (%s), a bug in faultline; please report it with this history.", oneLine(fmt.Sprint(a.panic)))
		j := resultJSON(res, h)
		j.Explanation = msg
		return outcome{verdict: checker.Unknown, text: msg + "\n", json: j}, res, nil
	}
	return verdictOutcome(a.res, h), a.res, nil
}

func countInvokes(h history.History) int {
	n := 0
	for _, o := range h {
		if o.Type == history.Invoke && !o.IsNemesis() {
			n++
		}
	}
	return n
}

// remaining is the time left before ctx's deadline, for the checker's own
// Timeout (which must be positive: zero means its default).
func remaining(ctx context.Context) time.Duration {
	d, ok := ctx.Deadline()
	if !ok {
		return checker.DefaultTimeout
	}
	return max(time.Until(d), time.Millisecond)
}

// minHTMLTime is the least time the HTML page's search gets: the page is
// an output, written after the verdict, like the history file.
const minHTMLTime = time.Second

// writePage writes the HTML page of h and res within the command's
// context: Ctrl-C stops its search at once, and its deadline bounds it,
// but never to less than minHTMLTime from now.
// A check that reached no verdict has no page: its search would meet the
// same wall.
func writePage(ctx context.Context, w io.Writer, h history.History, res checker.Result, opts checker.Options) error {
	if res.Verdict == checker.Unknown {
		return fmt.Errorf("%w: the check reached no verdict", checker.ErrHTMLUnfinished)
	}
	ctx, cancel := pageContext(ctx)
	defer cancel()
	opts.Timeout = remaining(ctx)
	return checker.WriteHTML(ctx, w, h, res, opts)
}

// pageContext is ctx with its deadline moved to at least minHTMLTime from
// now, and still cancelled when ctx is (an interrupt, not its deadline).
func pageContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); !ok || time.Until(d) >= minHTMLTime {
		return context.WithCancel(ctx)
	}
	page, cancel := context.WithTimeout(context.WithoutCancel(ctx), minHTMLTime)
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.Canceled) {
			cancel()
		}
	})
	return page, func() { stop(); cancel() }
}

// writableOutput fails on an output path ("" is none) that could not be
// written.
func writableOutput(path string) error {
	if path == "" {
		return nil
	}
	if err := atomicfile.CheckWritable(path); err != nil {
		return usageError{err.Error()}
	}
	return nil
}

// outputs are the files a command writes once its work is done: all of
// them or none (see atomicfile.Set). Their paths were checked writable
// before the work began (flagSet.checkOutputs).
type outputs struct {
	set   atomicfile.Set
	n     int
	pages []page
	notes []string // outputs skipped on purpose, said why
}

// page is an HTML page: made before the other files are committed, and
// skipped with a note when its search could not finish in time (issue 15:
// written from a finished search or not at all, never a failed command).
type page struct {
	path  string
	write func(io.Writer) error
}

// addPage adds an HTML page (see page).
func (o *outputs) addPage(path string, write func(io.Writer) error) {
	if path != "" {
		o.pages = append(o.pages, page{path, noPanic(write)})
	}
}

func (o *outputs) add(path string, write func(io.Writer) error) {
	if path != "" {
		o.set.Add(path, noPanic(write))
		o.n++
	}
}

// noPanic turns a panic while making an output (a bug) into an error, so
// that it leaves no temporary file and no crash behind.
func noPanic(write func(io.Writer) error) func(io.Writer) error {
	return func(w io.Writer) (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("a bug in faultline (%s); please report it", oneLine(fmt.Sprint(p)))
			}
		}()
		return write(w)
	}
}

// commit writes every output; on failure none is left and the error says
// that none was written.
func (o *outputs) commit() error {
	for _, p := range o.pages {
		var b bytes.Buffer
		err := p.write(&b)
		if errors.Is(err, checker.ErrHTMLUnfinished) {
			o.notes = append(o.notes, fmt.Sprintf("%s was not written: %s; a longer --timeout gives its search more time", p.path, strings.TrimPrefix(err.Error(), checker.ErrHTMLUnfinished.Error()+": ")))
			continue
		}
		data := b.Bytes()
		o.add(p.path, func(w io.Writer) error {
			if err != nil {
				return err
			}
			_, werr := w.Write(data)
			return werr
		})
	}
	o.pages = nil
	if o.n == 0 {
		return nil
	}
	if err := o.set.Commit(); err != nil {
		none := "no output file was written"
		if o.n == 1 {
			none = "it was not written"
		}
		return usagef("%v (%s)", err, none)
	}
	return nil
}

// historyWriter picks the codec by the file's extension; a device or pipe
// (/dev/stdout) gets JSON lines.
func historyWriter(path string) (func(io.Writer, history.History) error, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".json", ".ndjson":
		return history.WriteJSONL, nil
	case ".edn":
		return history.WriteEDN, nil
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() && !st.IsDir() {
		return history.WriteJSONL, nil
	}
	return nil, fmt.Errorf("the file must end in .jsonl or .edn")
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printNotes prints the notes of skipped outputs under a text outcome.
func printNotes(w io.Writer, notes []string) {
	for _, n := range notes {
		fmt.Fprintf(w, "\nNote: %s.\n", n)
	}
}
