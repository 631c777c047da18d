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
		Witness: r.Witness, Failing: r.Failing, Model: r.Model}
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
	lesson, variant, scenario, nemesis, mix, out, outScenario, html string
	seed                                                            uint64
	nodes, clients, ops                                             int
	density                                                         float64
	timeout                                                         time.Duration
	json                                                            bool
}

func cmdRun(args []string, stdout io.Writer) (int, error) {
	var f runFlags
	fs := newFlags("run")
	fs.StringVar(&f.lesson, "lesson", "", "lesson id")
	fs.StringVar(&f.variant, "variant", "", "variant (default: the lesson's buggy design)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed")
	fs.StringVar(&f.scenario, "scenario", "", "replay a scenario file")
	fs.StringVar(&f.nemesis, "nemesis", "", "faults: comma-separated, all, or none")
	fs.StringVar(&f.mix, "mix", "overlap", "how --nemesis faults combine: overlap or cycle")
	fs.Float64Var(&f.density, "density", sim.DefaultDensity, "overlap: the fraction of time each fault is in force")
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
	sc, replayed, err := scenarioFor(f, setFlags(fs))
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
	res, err := l.Check(context.Background(), h, checker.Options{Timeout: f.timeout})
	if err != nil {
		return exitUsage, fmt.Errorf("check: %w", err)
	}
	if err := writeRunOutputs(f, sc, s, h, res, writeHistory, l.Model); err != nil {
		return exitUsage, err
	}
	ops := countInvokes(h)
	vns := s.Now()
	if f.json {
		j := resultJSON(res)
		j.Lesson, j.Variant, j.Seed, j.Ops, j.VirtualNs, j.Faults = sc.Lesson, sc.Variant, &sc.Seed, &ops, &vns, len(s.Applied())
		return exitFor(res.Verdict), printJSON(stdout, j)
	}
	if replayed != "" {
		fmt.Fprint(stdout, replayNote(sc, replayed))
	}
	fmt.Fprintf(stdout, "lesson %s, variant %s, seed %d: %d operations, %d faults, %s of simulated time\n\n",
		sc.Lesson, sc.Variant, sc.Seed, ops, len(s.Applied()), sim.FormatDuration(vns))
	fmt.Fprint(stdout, checker.FormatText(res))
	if res.Verdict == checker.NotLinearizable && l.HasFix() && sc.Variant != "fixed" {
		fmt.Fprintf(stdout, "\nNow try the fix on the same seed:\n  faultline run --lesson %s --seed %d --variant fixed\n", sc.Lesson, sc.Seed)
	}
	return exitFor(res.Verdict), nil
}

// scenarioFor builds the run's scenario from a file (replayed against
// --variant when given: replayed names the file's own variant) or from the
// flags.
func scenarioFor(f runFlags, set map[string]bool) (sc sim.Scenario, replayed string, err error) {
	if f.scenario != "" {
		for _, name := range []string{"lesson", "seed", "nemesis", "mix", "density", "nodes", "clients", "ops"} {
			if set[name] {
				return sim.Scenario{}, "", usagef("run: --%s cannot be combined with --scenario (the scenario file fixes it)", name)
			}
		}
		sc, err := readScenario(f.scenario)
		if err != nil || !set["variant"] || f.variant == sc.Variant {
			return sc, "", err
		}
		out, err := lessons.Replay(sc, f.variant)
		if err != nil {
			return sim.Scenario{}, "", usagef("run: --variant: %v", err)
		}
		return out, sc.Variant, nil
	}
	if f.lesson == "" {
		return sim.Scenario{}, "", usagef("run: --lesson is required (see faultline lessons)")
	}
	l, err := lessons.Get(f.lesson)
	if err != nil {
		return sim.Scenario{}, "", usagef("run: %v", err)
	}
	o := lessons.Options{Variant: f.variant, Seed: f.seed, Nodes: f.nodes, Clients: f.clients, Ops: f.ops}
	if err := nemesisFlags(&o, "run", set, f.nemesis, f.mix, f.density); err != nil {
		return sim.Scenario{}, "", err
	}
	for name, v := range map[string]int{"nodes": f.nodes, "clients": f.clients, "ops": f.ops} {
		if set[name] && v <= 0 {
			return sim.Scenario{}, "", usagef("run: --%s must be positive, got %d", name, v)
		}
	}
	sc, err = l.Scenario(o)
	if err != nil {
		return sim.Scenario{}, "", usagef("run: %v", err)
	}
	return sc, "", nil
}

// nemesisFlags reads --nemesis, --mix and --density into the options
// (run and hunt share them).
func nemesisFlags(o *lessons.Options, cmd string, set map[string]bool, nemesis, mix string, density float64) error {
	if !set["nemesis"] {
		if set["mix"] || set["density"] {
			return usagef("%s: --mix and --density shape a --nemesis list; give one", cmd)
		}
		return nil
	}
	kinds, err := lessons.ParseNemesis(nemesis)
	if err != nil {
		return usagef("%s: --nemesis: %v", cmd, err)
	}
	o.Nemesis = kinds
	if o.Mix, err = lessons.ParseMix(mix); err != nil {
		return usagef("%s: --mix: %v", cmd, err)
	}
	if set["density"] {
		if !(density > 0 && density <= 1) {
			return usagef("%s: --density must be above 0 and at most 1, got %v", cmd, density)
		}
		o.Density = density
	}
	return nil
}

// replayNote says what a replay against another variant carries over.
func replayNote(sc sim.Scenario, from string) string {
	s := fmt.Sprintf("Replaying the scenario of variant %s against %s: the same seed, workload and fault schedule", from, sc.Variant)
	if live := len(sc.Faults.Live()); live > 0 {
		s += fmt.Sprintf(", and the %d live faults at their virtual times", live)
	}
	s += ".\n"
	if sc.Faults.RoleTargeted() {
		s += "Faults aimed at a role (the leader, ...) hit whichever node holds it in this run.\n"
	}
	return s + "\n"
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
	if err := lessons.CheckScenario(sc); err != nil {
		return sim.Scenario{}, usagef("scenario %s: %v", path, err)
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

func writeRunOutputs(f runFlags, sc sim.Scenario, s *sim.Sim, h history.History, res checker.Result, writeHistory func(io.Writer, history.History) error, model string) error {
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
	if f.html != "" {
		if err := writeAtomic(f.html, func(w io.Writer) error {
			return checker.WriteHTML(w, h, res, checker.Options{Model: model})
		}); err != nil {
			return err
		}
	}
	return nil
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
