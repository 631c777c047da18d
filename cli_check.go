package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

var checkCmd = &command{
	name:    "check",
	args:    "FILE",
	summary: "check a history file (JSON lines, Jepsen EDN, Jepsen etcd log, key-value log; - reads standard input)",
	about: `Check a history for linearizability and, when it is not, name the anomaly and show the
smallest part of the history that proves it. FILE is faultline's JSON lines, Jepsen's EDN,
a Jepsen etcd log or a key-value log as in porcupine's test data; - reads standard input.
A file from which no operation can be read is an input error, never a pass. With --model
list-append or rw-register, a transactional history is checked for the isolation anomalies of
--consistency instead, as Elle does.`,
	define: func(fs *flagSet) action {
		var req checkRequest
		fs.modelFlag(&req.model)
		fs.consistencyFlag(&req.consistency)
		fs.initFlag(&req.init)
		fs.formatFlag(&req.format)
		fs.timeoutFlag(10 * time.Second)
		fs.outputFlag(&req.html, "html", "FILE", "write porcupine's visualization of the history (HTML)", nil)
		fs.jsonFlag(&req.json)
		return func(ctx context.Context, pos []string, stdout io.Writer) (int, error) {
			if len(pos) != 1 {
				return exitUsage, usagef("check: want one history file, got %d arguments%s", len(pos), fs.cmd.seeHelp())
			}
			req.path, req.initSet, req.timeout = pos[0], fs.isSet("init"), *fs.timeout
			if _, own := fileCheckers[req.model]; fs.isSet("consistency") && !own {
				return exitUsage, usagef("check: --consistency is for the transactional models (--model list-append or rw-register)")
			}
			if err := fs.checkOutputs(req.path); err != nil {
				return exitUsage, err
			}
			if req.path == "-" {
				req.path, req.src = "standard input", os.Stdin
			}
			return checkFile(ctx, req, stdout)
		}
	},
}

// checkRequest is what check was asked to do.
type checkRequest struct {
	path, format, model, html string
	consistency               string // the transactional models' --consistency
	init                      any
	initSet, json             bool
	timeout                   time.Duration
	src                       io.Reader // the history, when not read from path (tests)
	h                         history.History
	info                      history.ReadInfo
}

// fileCheckers check the models that need a reading and a checker of
// their own (the transactional ones register here, from their own file);
// every other model is read by checkFile and checked by linearizability.
var fileCheckers = map[string]func(context.Context, checkRequest, io.Writer) (int, error){}

// checkModels are the names --model takes.
func checkModels() []string {
	models := checker.ModelNames()
	for m := range fileCheckers {
		models = append(models, m)
	}
	slices.Sort(models)
	return models
}

// checkFile reads the history and checks it: the one place that dispatches
// on the model.
func checkFile(ctx context.Context, req checkRequest, stdout io.Writer) (int, error) {
	if check, ok := fileCheckers[req.model]; ok {
		return check(ctx, req, stdout)
	}
	var err error
	req.h, req.info, err = readHistory(ctx, req)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return printOutcome(stdout, req, outOfTime(req, fmt.Sprintf("while reading %s", req.path)))
	case err != nil:
		return exitUsage, withFileHint(err, req)
	case ctx.Err() != nil:
		return printOutcome(stdout, req, outOfTime(req, fmt.Sprintf("just after reading %s", req.path)))
	}
	if err := validateHistory(req); err != nil {
		return exitUsage, err
	}
	guessed := req.model == ""
	resolveModel(&req)
	out, err := linearizability(ctx, req)
	if err != nil {
		err = describeRecordError(err, req.path, req.info)
		if guessed {
			err = usagef("%v%s", err, modelHint(req))
		}
		return exitUsage, err
	}
	var files outputs
	if req.html != "" && out.html != nil {
		files.addPage(req.html, out.html)
	}
	werr := files.commit()
	out.notes = files.notes
	code, err := printOutcome(stdout, req, out)
	if werr != nil {
		return exitUsage, werr
	}
	return code, err
}

// resolveModel fills in the model and initial value the flags left open:
// the format's own (an etcd log is a CAS register), else guessed from the
// operations.
func resolveModel(req *checkRequest) {
	defModel, defInit := checker.FormatDefaults(req.info.Format)
	if req.model == "" {
		req.model = string(defModel)
	}
	if req.model == "" {
		req.model = string(checker.GuessModel(req.h))
	}
	if !req.initSet {
		req.init = defInit // a format's own convention (kv logs start at "")
	}
}

// readHistory reads the history file, or req.src (standard input).
func readHistory(ctx context.Context, req checkRequest) (history.History, history.ReadInfo, error) {
	if req.src != nil {
		return history.ReadContext(ctx, req.src, req.path, req.format)
	}
	return history.ReadFileContext(ctx, req.path, req.format)
}

// validateHistory rejects a history with nothing to check (a pass would
// be about a history that was never read) and one whose records do not
// pair up, naming the line.
func validateHistory(req checkRequest) error {
	if _, err := req.h.Pairs(); err != nil {
		return describeRecordError(err, req.path, req.info)
	}
	if len(req.h.ClientOps()) > 0 {
		return nil
	}
	what := "it is empty"
	if len(req.h) > 0 {
		what = fmt.Sprintf("its %d records are all faults (nemesis)", len(req.h))
	}
	return usagef("%s: no operation to check: %s (read as %s)", req.path, what, req.info.Format)
}

// recordPrefix is how the checker's errors name a record today; the
// history package's RecordError is the structured form.
var recordPrefix = regexp.MustCompile(`^record ([0-9]+): `)

// describeRecordError names the file and line of a problem with a record,
// where the error says which record.
func describeRecordError(err error, path string, info history.ReadInfo) error {
	line := func(i int) string {
		if n := info.LineOf(i); n > 0 {
			return "line " + strconv.Itoa(n)
		}
		return "record " + strconv.Itoa(i)
	}
	var re *history.RecordError
	if errors.As(err, &re) {
		if n := info.LineOf(re.At); n > 0 {
			return usagef("%s:%d: %s", path, n, re.Message(line))
		}
		return usagef("%s: %s", path, re.Describe(line))
	}
	msg := err.Error()
	if m := recordPrefix.FindStringSubmatch(msg); m != nil {
		if i, err := strconv.Atoi(m[1]); err == nil && info.LineOf(i) > 0 {
			return usagef("%s:%d: %s", path, info.LineOf(i), msg[len(m[0]):])
		}
	}
	return usagef("%s: %s", path, msg)
}

// linearizability checks req with the linearizability checker.
func linearizability(ctx context.Context, req checkRequest) (outcome, error) {
	opts := checker.Options{Model: checker.Model(req.model), Init: req.init, Timeout: remaining(ctx)}
	out, res, err := checkBounded(ctx, req.h, opts, checker.Check)
	if err != nil {
		return outcome{}, err
	}
	out.html = func(w io.Writer) error { return writePage(ctx, w, req.h, res, opts) }
	return out, nil
}

// outOfTime is the outcome of a command whose time ran out before the
// checker could give a verdict.
func outOfTime(req checkRequest, when string) outcome {
	msg := fmt.Sprintf("unknown: ran out of time (--timeout %s) %s", req.timeout, when)
	if n := len(req.h); n > 0 {
		msg += fmt.Sprintf(", %d records read", n)
	}
	var notes []string
	if req.html != "" {
		notes = append(notes, fmt.Sprintf("%s was not written: the history was not checked; a longer --timeout gives it time", req.html))
	}
	return outcome{verdict: checker.Unknown, text: msg + ".\n", json: verdictJSON{Verdict: string(checker.Unknown), Explanation: msg}, notes: notes}
}

// printOutcome prints a check's outcome, as text under a line naming the
// file, format and model, or as JSON with those fields added.
func printOutcome(stdout io.Writer, req checkRequest, out outcome) (int, error) {
	code := exitFor(out.verdict)
	if req.json {
		j, ok := out.json.(verdictJSON)
		if !ok {
			return code, printJSON(stdout, out.json)
		}
		records, skipped := len(req.h), req.info.Skipped
		j.File, j.Format, j.Records, j.SkippedLines = req.path, req.info.Format, &records, &skipped
		if j.Model == "" {
			j.Model = req.model
		}
		j.Notes = out.notes
		return code, printJSON(stdout, j)
	}
	head := req.info.Format
	if req.model != "" {
		head += ", model " + req.model
	}
	if n := req.info.Skipped; n > 0 {
		head += fmt.Sprintf("; %d %s not records and skipped, the first line %d", n, plural(n, "line was", "lines were"), req.info.FirstSkipped)
	}
	if head != "" {
		head = " (" + head + ")"
	}
	fmt.Fprintf(stdout, "%s%s\n\n%s", req.path, head, out.text)
	printNotes(stdout, out.notes)
	return code, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
