package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// verdictJSON is the --json object of run, hunt and check (DESIGN's fields).
type verdictJSON struct {
	Verdict     string          `json:"verdict"`
	Anomaly     string          `json:"anomaly,omitempty"`
	Explanation string          `json:"explanation,omitempty"`
	Witness     history.History `json:"witness,omitempty"`
	Failing     *history.Op     `json:"failing,omitempty"`
	Model       string          `json:"model,omitempty"`
	Lesson      string          `json:"lesson,omitempty"`
	Variant     string          `json:"variant,omitempty"`
	Seed        *uint64         `json:"seed,omitempty"`
	Ops         *int            `json:"ops,omitempty"`
	VirtualNs   *int64          `json:"virtual_ns,omitempty"`
	Faults      int             `json:"faults,omitempty"`
}

func resultJSON(r checker.Result) verdictJSON {
	return verdictJSON{Verdict: string(r.Verdict), Anomaly: r.Anomaly, Explanation: r.Explanation,
		Witness: r.Witness, Failing: r.Failing, Model: string(r.Model)}
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

type runFlags struct {
	lesson, variant, scenario, nemesis, out, outScenario, html string
	seed                                                       uint64
	nodes, clients, ops                                        int
	timeout                                                    time.Duration
	json                                                       bool
}

func cmdRun(args []string, stdout io.Writer) (int, error) {
	var f runFlags
	fs := newFlags("run")
	fs.StringVar(&f.lesson, "lesson", "", "lesson id")
	fs.StringVar(&f.variant, "variant", "", "variant (default: the lesson's buggy design)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed")
	fs.StringVar(&f.scenario, "scenario", "", "replay a scenario file")
	fs.StringVar(&f.nemesis, "nemesis", "", "faults: comma-separated, or none")
	fs.IntVar(&f.nodes, "nodes", 0, "nodes")
	fs.IntVar(&f.clients, "clients", 0, "client processes")
	fs.IntVar(&f.ops, "ops", 0, "operations")
	fs.StringVar(&f.out, "out", "", "write the history (.jsonl or .edn)")
	fs.StringVar(&f.outScenario, "out-scenario", "", "write the scenario (JSON)")
	fs.StringVar(&f.html, "html", "", "write porcupine's visualization (HTML)")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second, "checker time limit")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if err := noPositional("run", pos); err != nil {
		return exitUsage, err
	}
	sc, err := scenarioFor(f, setFlags(fs))
	if err != nil {
		return exitUsage, err
	}
	writeHistory, err := outputsOK(f)
	if err != nil {
		return exitUsage, err
	}
	s, l, err := lessons.Run(sc)
	if err != nil {
		return exitUsage, fmt.Errorf("run: %w", err)
	}
	h := s.History()
	// One deadline for the check and the page.
	ctx, cancel := context.WithTimeout(context.Background(), f.timeout)
	defer cancel()
	res, err := l.Check(ctx, h, checker.Options{})
	if err != nil {
		return exitUsage, fmt.Errorf("check: %w", err)
	}
	if err := writeRunOutputs(ctx, f, sc, s, h, res, writeHistory, checker.Options{Model: l.Model, Init: l.Init}); err != nil {
		return exitUsage, err
	}
	ops := countInvokes(h)
	vns := s.Now()
	if f.json {
		j := resultJSON(res)
		j.Lesson, j.Variant, j.Seed, j.Ops, j.VirtualNs, j.Faults = sc.Lesson, sc.Variant, &sc.Seed, &ops, &vns, len(s.Applied())
		return exitFor(res.Verdict), printJSON(stdout, j)
	}
	fmt.Fprintf(stdout, "lesson %s, variant %s, seed %d: %d operations, %d faults, %s of simulated time\n\n",
		sc.Lesson, sc.Variant, sc.Seed, ops, len(s.Applied()), sim.FormatDuration(vns))
	fmt.Fprint(stdout, checker.FormatText(res))
	if res.Verdict == checker.NotLinearizable && l.HasFix() && sc.Variant != "fixed" {
		fmt.Fprintf(stdout, "\nNow try the fix on the same seed:\n  faultline run --lesson %s --seed %d --variant fixed\n", sc.Lesson, sc.Seed)
	}
	return exitFor(res.Verdict), nil
}

// scenarioFor builds the run's scenario from a file or from the flags.
func scenarioFor(f runFlags, set map[string]bool) (sim.Scenario, error) {
	if f.scenario != "" {
		for _, name := range []string{"lesson", "variant", "seed", "nemesis", "nodes", "clients", "ops"} {
			if set[name] {
				return sim.Scenario{}, usagef("run: --%s cannot be combined with --scenario (the scenario file fixes it)", name)
			}
		}
		return readScenario(f.scenario)
	}
	if f.lesson == "" {
		return sim.Scenario{}, usagef("run: --lesson is required (see faultline lessons)")
	}
	l, err := lessons.Get(f.lesson)
	if err != nil {
		return sim.Scenario{}, usagef("run: %v", err)
	}
	o := lessons.Options{Variant: f.variant, Seed: f.seed, Nodes: f.nodes, Clients: f.clients, Ops: f.ops}
	if set["nemesis"] {
		kinds, err := lessons.ParseNemesis(f.nemesis)
		if err != nil {
			return sim.Scenario{}, usagef("run: --nemesis: %v", err)
		}
		o.Nemesis = kinds
	}
	for name, v := range map[string]int{"nodes": f.nodes, "clients": f.clients, "ops": f.ops} {
		if set[name] && v <= 0 {
			return sim.Scenario{}, usagef("run: --%s must be positive, got %d", name, v)
		}
	}
	sc, err := l.Scenario(o)
	if err != nil {
		return sim.Scenario{}, usagef("run: %v", err)
	}
	return sc, nil
}

// readScenario reads and validates a scenario file.
func readScenario(path string) (sim.Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return sim.Scenario{}, usagef("cannot read scenario %s: %v", path, unwrapPathError(err))
	}
	return parseScenario(b, path)
}

// parseScenario decodes and validates a scenario file's bytes.
func parseScenario(b []byte, path string) (sim.Scenario, error) {
	var sc sim.Scenario
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		return sim.Scenario{}, usagef("scenario %s: %v", path, describeJSONError(b, err))
	}
	l, err := lessons.Get(sc.Lesson)
	if err != nil {
		return sim.Scenario{}, usagef("scenario %s: field \"lesson\": %v", path, err)
	}
	if _, err := l.Design.Factory(sc.Variant); err != nil {
		return sim.Scenario{}, usagef("scenario %s: field \"variant\": %v", path, err)
	}
	if err := sc.Config.Validate(); err != nil {
		return sim.Scenario{}, usagef("scenario %s: field \"config\": %v", path, err)
	}
	ids := make([]string, sc.Config.Nodes)
	for i := range ids {
		ids[i] = fmt.Sprintf("n%d", i+1)
	}
	if err := sc.Faults.Validate(ids); err != nil {
		return sim.Scenario{}, usagef("scenario %s: field %v", path, err)
	}
	return sc, nil
}

func outputsOK(f runFlags) (func(io.Writer, history.History) error, error) {
	for _, p := range []string{f.out, f.outScenario, f.html} {
		if err := checkWritable(p); err != nil {
			return nil, err
		}
	}
	if f.out == "" {
		return nil, nil
	}
	return historyWriter(f.out)
}

func writeRunOutputs(ctx context.Context, f runFlags, sc sim.Scenario, s *sim.Sim, h history.History, res checker.Result, writeHistory func(io.Writer, history.History) error, opts checker.Options) error {
	if f.out != "" {
		if err := writeAtomic(f.out, func(w io.Writer) error { return writeHistory(w, h) }); err != nil {
			return err
		}
	}
	if f.outScenario != "" {
		replay := sc
		replay.Faults = s.Schedule()
		if err := writeAtomic(f.outScenario, func(w io.Writer) error { return printJSON(w, replay) }); err != nil {
			return err
		}
	}
	return writeHTMLPage(ctx, f.html, h, res, opts)
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
