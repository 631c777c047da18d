package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

func cmdCheck(args []string, stdout io.Writer) (int, error) {
	fs := newFlags("check")
	model := fs.String("model", "", "consistency model (default: guessed from the operations)")
	initText := fs.String("init", "", "initial value, as JSON (default: nil, nothing written yet)")
	format := fs.String("format", "auto", "auto, jsonl, edn, jepsen-etcd-log or kv-log")
	timeout := fs.Duration("timeout", 10*time.Second, "time limit")
	html := fs.String("html", "", "write porcupine's visualization (HTML)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if len(pos) != 1 {
		return exitUsage, usagef("check: want one history file, got %d arguments", len(pos))
	}
	if *timeout <= 0 {
		return exitUsage, usagef("check: --timeout must be positive")
	}
	var init any
	if *initText != "" {
		if err := json.Unmarshal([]byte(*initText), &init); err != nil {
			return exitUsage, usagef("check: --init %q: not a JSON value (try 0, \"x\" or null)", *initText)
		}
		if init, err = history.Normalize(init); err != nil {
			return exitUsage, usagef("check: --init: %v", err)
		}
	}
	var m checker.Model
	if *model != "" {
		if m, err = checker.ParseModel(*model); err != nil {
			return exitUsage, usagef("check: --model %q: unknown model (models: %s)", *model, strings.Join(checker.ModelNames(), ", "))
		}
	}
	if err := checkWritable(*html); err != nil {
		return exitUsage, err
	}
	h, detected, err := history.ReadFile(pos[0], *format)
	if err != nil {
		return exitUsage, err
	}
	defModel, defInit := checker.FormatDefaults(detected)
	if m == "" {
		m = defModel
	}
	if m == "" {
		m = checker.GuessModel(h)
	}
	if *initText == "" {
		init = defInit // a format's own convention (kv logs start at "")
	}
	// One deadline for the whole command: the check and the page share it.
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	opts := checker.Options{Model: m, Init: init}
	res, err := checker.Check(ctx, h, opts)
	if err != nil {
		return exitUsage, fmt.Errorf("check %s: %w", pos[0], err)
	}
	if err := writeHTMLPage(ctx, *html, h, res, opts); err != nil {
		return exitUsage, err
	}
	if *asJSON {
		return exitFor(res.Verdict), printJSON(stdout, resultJSON(res))
	}
	fmt.Fprintf(stdout, "%s (%s, model %s)\n\n", pos[0], detected, m)
	fmt.Fprint(stdout, checker.FormatText(res))
	return exitFor(res.Verdict), nil
}

// writeHTMLPage writes porcupine's page for a checked history, when asked.
// A page whose search did not finish in time is skipped with a note on
// stderr: the verdict stands, and its exit status with it.
func writeHTMLPage(ctx context.Context, path string, h history.History, res checker.Result, opts checker.Options) error {
	if path == "" {
		return nil
	}
	err := writeAtomic(path, func(w io.Writer) error { return checker.WriteHTML(ctx, w, h, res, opts) })
	if errors.Is(err, checker.ErrHTMLUnfinished) {
		fmt.Fprintf(os.Stderr, "faultline: %s not written: %v\n", path, errors.Unwrap(err))
		return nil
	}
	return err
}
