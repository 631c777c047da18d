package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

func cmdCheck(args []string, stdout io.Writer) (int, error) {
	if isTxnCheck(args) { // list-append, rw-register: cli_check_txn.go
		return cmdCheckTxn(args, stdout)
	}
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
	if *model != "" && !knownModel(*model) {
		return exitUsage, usagef("check: --model %q: unknown model (models: %s)", *model, strings.Join(checker.Models(), ", "))
	}
	if err := checkWritable(*html); err != nil {
		return exitUsage, err
	}
	h, detected, err := history.ReadFile(pos[0], *format)
	if err != nil {
		return exitUsage, err
	}
	m := *model
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
	opts := checker.Options{Model: m, Init: init, Timeout: *timeout}
	res, err := checker.Check(context.Background(), h, opts)
	if err != nil {
		return exitUsage, fmt.Errorf("check %s: %w", pos[0], err)
	}
	if *html != "" {
		if err := writeAtomic(*html, func(w io.Writer) error { return checker.WriteHTML(w, h, res, opts) }); err != nil {
			return exitUsage, err
		}
	}
	if *asJSON {
		return exitFor(res.Verdict), printJSON(stdout, resultJSON(res))
	}
	fmt.Fprintf(stdout, "%s (%s, model %s)\n\n", pos[0], detected, m)
	fmt.Fprint(stdout, checker.FormatText(res))
	return exitFor(res.Verdict), nil
}

func knownModel(m string) bool { return slices.Contains(checker.Models(), m) }
