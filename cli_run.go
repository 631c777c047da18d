package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

// maxScenarioBytes bounds a scenario file: a scenario is a page of JSON,
// even with every fault of a long workbench session in it.
const maxScenarioBytes = 16 << 20

type runFlags struct {
	cmd                    *command
	lesson                 *lessons.Lesson
	variant, scenario      string
	out, outScenario, html string
	seed                   uint64
	nodes, clients, ops    int
	nemesis                []sim.Nemesis
	mix                    lessons.MixMode
	density                float64
	json                   bool
	timeout                time.Duration
	writeHistory           func(io.Writer, history.History) error
	set                    func(string) bool // was the flag given?
	replayed               string            // a scenario's own variant, replayed against --variant
}

var runCmd = &command{
	name:    "run",
	summary: "run a lesson headless on a simulated cluster, check its history, print the verdict",
	about: `Run a lesson's workload against its toy database on a simulated cluster, with its faults or
those of --nemesis, check the history and print the verdict: for a failure the anomaly, the
smallest part of the history that proves it, and an explanation. The same seed and flags
replay the same run, byte for byte; --out-scenario saves everything needed to replay it.`,
	define: func(fs *flagSet) action {
		f := runFlags{cmd: fs.cmd, seed: 1, set: fs.isSet}
		fs.lessonFlag(&f.lesson, "the lesson to run (see go run . lessons)")
		fs.variantFlag(&f.variant, "the variant to run: the buggy design, fixed, ... (see go run . lessons)")
		fs.seedFlag(&f.seed, "1")
		fs.value("scenario", "FILE", "", "replay a scenario file (from --out-scenario or the workbench's export) instead of --lesson", func(s string) error {
			if s == "" {
				return errors.New("empty: name a scenario file")
			}
			f.scenario = s
			return nil
		})
		fs.nemesisFlag(&f.nemesis)
		fs.mixFlags(&f.mix, &f.density)
		fs.nodesFlag(&f.nodes)
		fs.clientsFlag(&f.clients)
		fs.opsFlag(&f.ops)
		fs.outputFlag(&f.out, "out", "FILE", "write the history: .jsonl for JSON lines, .edn for Jepsen's EDN", func(s string) error {
			w, err := historyWriter(s)
			f.writeHistory = w
			return err
		})
		fs.outputFlag(&f.outScenario, "out-scenario", "FILE", "write the scenario, which replays this run exactly (JSON)", nil)
		fs.outputFlag(&f.html, "html", "FILE", "write porcupine's visualization of the history (HTML)", nil)
		fs.timeoutFlag(10 * time.Second)
		fs.jsonFlag(&f.json)
		return func(ctx context.Context, pos []string, stdout io.Writer) (int, error) {
			if err := noPositional(fs.cmd, pos); err != nil {
				return exitUsage, err
			}
			f.timeout = *fs.timeout
			if err := checkNemesis(fs); err != nil {
				return exitUsage, err
			}
			if err := fs.checkOutputs(f.scenario); err != nil {
				return exitUsage, err
			}
			sc, replayed, err := scenarioFor(f)
			if err != nil {
				return exitUsage, err
			}
			f.replayed = replayed
			return runScenario(ctx, f, sc, stdout)
		}
	},
}

func runScenario(ctx context.Context, f runFlags, sc sim.Scenario, stdout io.Writer) (int, error) {
	s, l, err := lessons.Start(sc)
	if err != nil {
		return exitUsage, fmt.Errorf("run: %w", err)
	}
	if l.Transactional() && f.html != "" {
		return exitUsage, usagef("run: --html is porcupine's page, for the linearizability lessons; lesson %s checks transactions (--out FILE.edn writes its history for Elle)", l.ID)
	}
	if !simulate(ctx, s) {
		return printRun(stdout, f, sc, s, runOutOfTime(f, sc, s))
	}
	if err := s.Err(); err != nil {
		return exitUsage, fmt.Errorf("run: %w", err)
	}
	h := s.History()
	opts := checker.Options{Model: l.Model, Init: l.Init, Timeout: remaining(ctx)}
	var out outcome
	var res checker.Result
	if l.Transactional() {
		out, res, err = checkRunTxn(ctx, l, h)
	} else {
		out, res, err = checkBounded(ctx, h, opts, l.Check)
	}
	if err != nil {
		return exitUsage, fmt.Errorf("run: checking the history: %w", err)
	}
	var files outputs
	if f.out != "" {
		files.add(f.out, func(w io.Writer) error { return f.writeHistory(w, h) })
	}
	if f.outScenario != "" {
		replay := sc
		replay.Faults = s.Schedule()
		files.add(f.outScenario, func(w io.Writer) error { return printJSON(w, replay) })
	}
	if f.html != "" {
		files.addPage(f.html, func(w io.Writer) error { return writePage(ctx, w, h, res, opts) })
	}
	werr := files.commit()
	out.notes = files.notes
	code, err := printRun(stdout, f, sc, s, out)
	if werr != nil {
		return exitUsage, werr
	}
	if err == nil && !f.json && res.Verdict == checker.NotLinearizable && l.HasFix() && sc.Variant != toydb.Fixed {
		fmt.Fprintf(stdout, "\nNow try the fix on the same seed:\n  go run . run --lesson %s --seed %d --variant fixed\n", sc.Lesson, sc.Seed)
	}
	return code, err
}

// simulate steps the run to its end; false when ctx ran out first.
func simulate(ctx context.Context, s *sim.Sim) bool {
	for i := 1; s.Step(); i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return false
		}
	}
	return true
}

// runOutOfTime is the outcome of a run cut short by --timeout: no history
// to check, so no verdict and no output file.
func runOutOfTime(f runFlags, sc sim.Scenario, s *sim.Sim) outcome {
	msg := fmt.Sprintf("unknown: ran out of time (--timeout %s) while simulating, %d of %d operations invoked; no history was checked and no file written. A longer --timeout or fewer --ops will finish it.",
		f.timeout, countInvokes(s.History()), sc.Config.Ops)
	return outcome{verdict: checker.Unknown, text: msg + "\n", json: verdictJSON{Verdict: string(checker.Unknown), Explanation: msg}}
}

// printRun prints the run's header and outcome, or the JSON object with
// the run's fields.
func printRun(stdout io.Writer, f runFlags, sc sim.Scenario, s *sim.Sim, out outcome) (int, error) {
	code := exitFor(out.verdict)
	ops, vns := countInvokes(s.History()), s.Now()
	if t, ok := out.json.(txnJSON); ok && f.json {
		return code, printJSON(stdout, txnRunJSON{txnJSON: t, Lesson: sc.Lesson, Variant: sc.Variant, Seed: sc.Seed,
			Ops: ops, VirtualNs: vns, Faults: len(s.Applied()), FaultIntervals: faultSpans(s, vns)})
	}
	if f.json {
		j, _ := out.json.(verdictJSON)
		j.Lesson, j.Variant, j.Seed, j.Ops, j.VirtualNs, j.Faults = sc.Lesson, sc.Variant, &sc.Seed, &ops, &vns, len(s.Applied())
		j.FaultIntervals = faultSpans(s, vns)
		j.Notes = out.notes
		return code, printJSON(stdout, j)
	}
	if f.replayed != "" {
		fmt.Fprint(stdout, replayNote(sc, f.replayed))
	}
	fmt.Fprintf(stdout, "lesson %s, variant %s, seed %d: %d operations, %d faults, %s of simulated time\n\n%s",
		sc.Lesson, sc.Variant, sc.Seed, ops, len(s.Applied()), sim.FormatDuration(vns), out.text)
	printNotes(stdout, out.notes)
	return code, nil
}

// scenarioFor builds the run's scenario from a file (replayed against
// --variant when given: replayed names the file's own variant) or from the
// flags.
func scenarioFor(f runFlags) (sc sim.Scenario, replayed string, err error) {
	if f.scenario != "" {
		for _, name := range []string{"lesson", "seed", "nemesis", "mix", "density", "nodes", "clients", "ops"} {
			if f.set(name) {
				return sim.Scenario{}, "", usagef("run: --%s cannot be combined with --scenario (the scenario file fixes it)", name)
			}
		}
		sc, err := readScenario(f.scenario)
		if err != nil || !f.set("variant") || f.variant == sc.Variant {
			return sc, "", err
		}
		out, err := lessons.Replay(sc, f.variant)
		if err != nil {
			return sim.Scenario{}, "", usagef("run: --variant: %v", err)
		}
		return out, sc.Variant, nil
	}
	if f.lesson == nil {
		return sim.Scenario{}, "", usagef("run: --lesson ID or --scenario FILE is required (see go run . lessons)")
	}
	if err := checkVariant(f.cmd, f.lesson, f.variant); err != nil {
		return sim.Scenario{}, "", err
	}
	o := lessons.Options{Variant: f.variant, Seed: f.seed, Nodes: f.nodes, Clients: f.clients, Ops: f.ops, Nemesis: f.nemesis}
	if f.nemesis != nil {
		o.Mix, o.Density = f.mix, f.density
	}
	sc, err = f.lesson.Scenario(o)
	if err != nil {
		return sim.Scenario{}, "", usagef("run: %v", err)
	}
	return sc, "", nil
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

// readScenario reads and validates a scenario file, at most
// maxScenarioBytes of it.
func readScenario(path string) (sim.Scenario, error) {
	file, err := os.Open(path)
	if err != nil {
		return sim.Scenario{}, usagef("cannot read scenario %s: %v", path, unwrapPathError(err))
	}
	defer file.Close()
	b, err := io.ReadAll(io.LimitReader(file, maxScenarioBytes+1))
	switch {
	case err != nil:
		return sim.Scenario{}, usagef("cannot read scenario %s: %v", path, unwrapPathError(err))
	case len(b) > maxScenarioBytes:
		return sim.Scenario{}, usagef("scenario %s: larger than %d MiB, the most a scenario may be", path, maxScenarioBytes>>20)
	}
	return parseScenario(b, path)
}

// parseScenario decodes and validates a scenario file's bytes.
func parseScenario(b []byte, path string) (sim.Scenario, error) {
	var sc sim.Scenario
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		return sim.Scenario{}, usagef("scenario %s: %v", path, describeJSONError(b, err))
	}
	if dec.More() {
		return sim.Scenario{}, usagef("scenario %s: more than one JSON object", path)
	}
	// The lesson and variant named with a short excerpt (they may be
	// anything); every other field is the simulator's to validate.
	l, err := lessons.Get(sc.Lesson)
	if err != nil {
		return sim.Scenario{}, usagef("scenario %s: field \"lesson\": unknown lesson %s", path, history.Excerpt(sc.Lesson))
	}
	if _, err := l.Design.Factory(sc.Variant); sc.Variant != "" && err != nil {
		return sim.Scenario{}, usagef("scenario %s: field \"variant\": unknown variant %s of %s", path, history.Excerpt(sc.Variant), l.ID)
	}
	if err := lessons.CheckScenario(sc); err != nil {
		return sim.Scenario{}, usagef("scenario %s: %v", path, err)
	}
	return sc, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
