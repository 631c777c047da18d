package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/maelstrom"
	"github.com/faultline-lab/faultline/sim"
)

// nodeCmd runs a learner's own node. It handles its own interrupts: the
// first Ctrl-C stops the run and checks what was recorded, the second
// stops the check.
var nodeCmd = &command{
	name:       "node",
	summary:    "run your own node, speaking Maelstrom's protocol, under faultline's faults and checker",
	ownSignals: true,
	about: `Run your own node, in any language, under faultline's faults and checker:
  go run . node --workload echo|unique-ids|broadcast|g-counter|lin-kv --bin "CMD ARGS" [flags]
  go run . node --scenario FILE                 check a recorded run again
  go run . node --scenario FILE --bin "CMD"     run its workload and fault schedule again, against CMD

Your program speaks Maelstrom's protocol: one JSON message a line on stdin and stdout
({"src","dest","body":{"type","msg_id","in_reply_to",...}}), init / init_ok first, logs on
stderr (kept in a file per node). Nodes written for Maelstrom or the Gossip Glomers run
unchanged, and may use the services lin-kv, seq-kv, lww-kv and lin-tso.

--bin is split as a shell would (quotes, backslashes); no shell runs it, nothing is expanded.
Your nodes run in real time: the seed fixes the operations and the fault schedule, not how the
messages interleave, so the same seed can give another verdict. Faults: partitions of every
shape, loss, duplication and delay (faultline carries every message), crash (kill the
process; a new one gets a fresh init), pause (SIGSTOP). Clock faults cannot be imposed on
your process and are refused. Exit status 3 also means a run cut short by Ctrl-C.`,
	define: defineNode,
}

type nodeFlags struct {
	workload, bin, nemesis, topology, logDir, out, outScenario, html, scenario string
	nodes, clients                                                             int
	rate                                                                       float64
	seed                                                                       uint64
	timeLimit, recovery, timeout                                               time.Duration
	json                                                                       bool
}

// defineNode defines node's flags. Their ranges are the run's
// configuration's to check (maelstrom.Config.Validate), not the
// simulator's: --nodes and --seed mean something else here.
func defineNode(fs *flagSet) action {
	f := nodeFlags{nemesis: "none", topology: "grid", nodes: 3, rate: 10, seed: 1, timeLimit: 10 * time.Second, timeout: 10 * time.Second}
	fs.text(&f.workload, "workload", "NAME", "", "echo, unique-ids, broadcast, g-counter or lin-kv")
	fs.text(&f.bin, "bin", "CMD", "", "the command that runs one node, with its arguments")
	fs.integer(&f.nodes, "nodes", "nodes")
	fs.integer(&f.clients, "clients", "client processes (default: one per node)")
	fs.text(&f.nemesis, "nemesis", "LIST", "none", "faults, comma-separated: "+strings.Join(maelstrom.NemesisNames(), ", ")+"; or none")
	fs.duration(&f.timeLimit, "time-limit", "how long the clients work")
	fs.value("rate", "R", "10", "client operations per second, over all clients", func(s string) error {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return errors.New("want a number")
		}
		f.rate = v
		return nil
	})
	fs.value("seed", "N", "1", "seed: fixes the operations and the fault schedule (not how messages interleave)", func(s string) error {
		n, err := parseUint(s)
		f.seed = n
		return err
	})
	fs.duration(&f.recovery, "recovery", "quiet time after healing, before the final reads (default: 10s for broadcast and g-counter, 2s for lin-kv)")
	fs.text(&f.topology, "topology", "NAME", "grid", "broadcast topology: "+strings.Join(maelstrom.Topologies, ", "))
	fs.text(&f.logDir, "log-dir", "DIR", "", "where each node's stderr is kept, as NODE.log (default: a new temporary directory)")
	fs.duration(&f.timeout, "timeout", "time limit of the check (the run lasts --time-limit and --recovery)")
	fs.outputFlag(&f.out, "out", "FILE", "write the history (.jsonl or .edn)", func(s string) error {
		_, err := historyWriter(s)
		return err
	})
	fs.outputFlag(&f.outScenario, "out-scenario", "FILE", "write the run's record: configuration, faults and history (JSON)", nil)
	fs.outputFlag(&f.html, "html", "FILE", "write porcupine's visualization (HTML; lin-kv only)", nil)
	fs.text(&f.scenario, "scenario", "FILE", "", "a recorded run: check it again, or with --bin run it again")
	fs.jsonFlag(&f.json)
	return func(ctx context.Context, pos []string, stdout io.Writer) (int, error) {
		if len(pos) > 0 {
			return exitUsage, usagef("node: unexpected argument %q (quote the command: --bin \"%s\")", pos[0], strings.TrimSpace(f.bin+" "+strings.Join(pos, " ")))
		}
		if err := fs.checkOutputs(f.scenario); err != nil {
			return exitUsage, err
		}
		if f.scenario != "" && !fs.isSet("bin") {
			return recheckNode(f, fs.isSet, stdout)
		}
		cfg, err := nodeConfig(f, fs.isSet)
		if err != nil {
			return exitUsage, err
		}
		if err := nodeOutputsOK(f, cfg.Workload); err != nil {
			return exitUsage, err
		}
		return runNode(cfg, f, stdout)
	}
}

// nodeConfig builds the run's configuration from the flags, or from a
// scenario and --bin.
func nodeConfig(f nodeFlags, set func(string) bool) (maelstrom.Config, error) {
	bin, err := maelstrom.SplitCommand(f.bin)
	if f.bin == "" {
		return maelstrom.Config{}, usagef("node: --bin is required: the command that runs one of your nodes, e.g. --bin \"python3 node.py\"")
	}
	if err != nil {
		return maelstrom.Config{}, usagef("node: --bin %q: %v", f.bin, err)
	}
	if _, err := exec.LookPath(bin[0]); err != nil {
		return maelstrom.Config{}, usagef("node: --bin: cannot run %q: %v", bin[0], lookReason(err))
	}
	var cfg maelstrom.Config
	if f.scenario != "" {
		for _, name := range []string{"workload", "nodes", "clients", "nemesis", "time-limit", "rate", "seed", "recovery", "topology"} {
			if set(name) {
				return cfg, usagef("node: --%s cannot be combined with --scenario (the scenario fixes it)", name)
			}
		}
		sc, err := readNodeScenario(f.scenario)
		if err != nil {
			return cfg, err
		}
		cfg = sc.Config
		cfg.Faults = replaySchedule(sc.Schedule)
	} else {
		if f.workload == "" {
			return cfg, usagef("node: --workload is required (%s)", strings.Join(maelstrom.Workloads, ", "))
		}
		cfg = maelstrom.DefaultConfig(f.workload)
		cfg.Nodes, cfg.Clients, cfg.Rate, cfg.TimeLimit, cfg.Seed, cfg.Topology = f.nodes, f.clients, f.rate, f.timeLimit, f.seed, f.topology
		if set("recovery") {
			cfg.Recovery = f.recovery
		}
		if cfg.Nemesis, err = parseNodeNemesis(f.nemesis); err != nil {
			return cfg, err
		}
	}
	cfg.Bin, cfg.LogDir = bin, f.logDir
	if err := cfg.Validate(); err != nil {
		return cfg, usagef("node: %v", err)
	}
	return cfg, nil
}

func lookReason(err error) string {
	var ee *exec.Error
	if errors.As(err, &ee) {
		if errors.Is(ee.Err, exec.ErrNotFound) {
			return "not found (give a path such as ./node, or put it on $PATH)"
		}
		return ee.Err.Error()
	}
	return err.Error()
}

func parseNodeNemesis(list string) ([]string, error) {
	list = strings.TrimSpace(list)
	if list == "" || list == "none" {
		return nil, nil
	}
	var out []string
	for _, k := range strings.Split(list, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	if err := maelstrom.CheckNemesis(out); err != nil {
		return nil, usagef("node: --nemesis: %v", err)
	}
	return out, nil
}

// replaySchedule turns a recorded schedule's live faults into scheduled
// ones at the times they were injected, so a rerun meets them too.
func replaySchedule(s sim.Schedule) sim.Schedule {
	out := s
	out.Faults = nil
	for _, f := range s.Faults {
		if f.Live {
			if s.CycleNs > 0 && f.At >= s.CycleNs {
				continue // a cyclic schedule cannot hold it
			}
			f.Live, f.Step = false, 0
		}
		out.Faults = append(out.Faults, f)
	}
	return out
}

// nodeOutputsOK refuses an output the workload cannot have (the outputs'
// paths were checked with the flags).
func nodeOutputsOK(f nodeFlags, workload string) error {
	if f.html != "" && workload != "lin-kv" {
		return usagef("node: --html draws a linearizability check: lin-kv only")
	}
	return nil
}

// interrupts turns the first Ctrl+C into stopping the run (every process
// killed, the history so far checked) and the second into cancelling the
// check.
func interrupts() (runCtx, checkCtx context.Context, stop func()) {
	runCtx, cancelRun := context.WithCancel(context.Background())
	checkCtx, cancelCheck := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for _, cancel := range []context.CancelFunc{cancelRun, cancelCheck} {
			select {
			case <-sigs:
				cancel()
			case <-done:
				return
			}
		}
	}()
	return runCtx, checkCtx, func() {
		signal.Stop(sigs)
		close(done)
		cancelRun()
		cancelCheck()
	}
}

func runNode(cfg maelstrom.Config, f nodeFlags, stdout io.Writer) (int, error) {
	if cfg.LogDir == "" {
		dir, err := os.MkdirTemp("", "faultline-node-")
		if err != nil {
			return exitUsage, fmt.Errorf("node: cannot make a log directory: %w", err)
		}
		cfg.LogDir = dir
	}
	runCtx, checkCtx, stop := interrupts()
	defer stop()
	if !f.json {
		fmt.Fprintf(stdout, "faultline node: %s on %d nodes running %s, seed %d, %v at %v operations/s, nemesis %s\n",
			cfg.Workload, cfg.Nodes, maelstrom.QuoteCommand(cfg.Bin), cfg.Seed, cfg.TimeLimit, cfg.Rate, nemesisText(cfg))
		fmt.Fprintf(stdout, "Real time: the seed fixes the operations and the fault schedule, not how messages interleave; the same seed can give another verdict.\n")
		fmt.Fprintf(stdout, "Node logs (stderr): %s\n\n", cfg.LogDir)
	}
	r, err := maelstrom.Start(runCtx, cfg, maelstrom.Options{})
	if err != nil {
		return exitUsage, nodeErr(err)
	}
	out, err := r.Wait()
	if err != nil {
		return exitUsage, nodeErr(err)
	}
	res, err := maelstrom.Check(checkCtx, cfg.Workload, out.History, out.FinalFrom, f.timeout)
	if err != nil {
		return exitUsage, fmt.Errorf("node: check: %w", err)
	}
	sc := r.Scenario(out)
	notes, err := writeNodeOutputs(checkCtx, f, sc, res)
	if err != nil {
		return exitUsage, err
	}
	return reportNode(stdout, f.json, sc, res, notes)
}

func nodeErr(err error) error {
	var ne *maelstrom.NodeError
	if errors.As(err, &ne) {
		return err // it names the node, what it did and its log
	}
	if errors.Is(err, context.Canceled) {
		return usagef("node: interrupted while starting the nodes; every process was stopped")
	}
	return fmt.Errorf("node: %w", err)
}

func nemesisText(cfg maelstrom.Config) string {
	if len(cfg.Nemesis) == 0 {
		if len(cfg.Faults.Faults) > 0 {
			return "from the scenario"
		}
		return "none"
	}
	return strings.Join(cfg.Nemesis, ",")
}

// writeNodeOutputs writes the outputs asked for, all of them or none (an
// HTML page whose search cannot finish is skipped, and the notes say so).
func writeNodeOutputs(ctx context.Context, f nodeFlags, sc maelstrom.Scenario, res maelstrom.Result) ([]string, error) {
	var files outputs
	if f.out != "" {
		w, _ := historyWriter(f.out)
		files.add(f.out, func(out io.Writer) error { return w(out, sc.History) })
	}
	if f.outScenario != "" {
		files.add(f.outScenario, func(w io.Writer) error { return maelstrom.WriteScenario(w, sc) })
	}
	if f.html != "" && res.Lin != nil {
		ctx, cancel := context.WithTimeout(ctx, f.timeout)
		defer cancel()
		files.addPage(f.html, func(w io.Writer) error {
			return writePage(ctx, w, sc.History, *res.Lin, checker.Options{Model: checker.ModelKV})
		})
	}
	err := files.commit()
	return files.notes, err
}

// nodeJSON is node's --json object: run's fields where they apply, and
// what a run of real processes adds.
type nodeJSON struct {
	Verdict     string            `json:"verdict"`
	Anomaly     string            `json:"anomaly,omitempty"`
	Explanation string            `json:"explanation,omitempty"`
	Witness     history.History   `json:"witness,omitempty"`
	Checked     string            `json:"checked"`
	Workload    string            `json:"workload"`
	Bin         []string          `json:"bin"`
	Nodes       int               `json:"nodes"`
	Seed        uint64            `json:"seed"`
	Ops         int               `json:"ops"`
	Faults      int               `json:"faults"`
	ElapsedNs   int64             `json:"elapsed_ns"`
	Interrupted bool              `json:"interrupted,omitempty"`
	Stats       maelstrom.Stats   `json:"messages"`
	Notes       []string          `json:"notes,omitempty"`
	Logs        map[string]string `json:"logs"`
	Note        string            `json:"note"`
}

// reportNode prints the run and its verdict; notes are the outputs
// skipped, and why.
func reportNode(stdout io.Writer, asJSON bool, sc maelstrom.Scenario, res maelstrom.Result, notes []string) (int, error) {
	code := exitOK
	switch {
	case res.Verdict == maelstrom.Invalid:
		code = exitFailed
	case res.Verdict == maelstrom.Unknown || sc.Interrupted:
		code = exitUnknown
	}
	ops := countInvokes(sc.History)
	if asJSON {
		return code, printJSON(stdout, nodeJSON{Verdict: res.Name(), Anomaly: res.Anomaly, Explanation: res.Explanation,
			Witness: res.Witness, Checked: res.Checked, Workload: sc.Config.Workload, Bin: sc.Config.Bin, Nodes: sc.Config.Nodes,
			Seed: sc.Config.Seed, Ops: ops, Faults: len(sc.Applied), ElapsedNs: sc.ElapsedNs, Interrupted: sc.Interrupted,
			Stats: sc.Stats, Notes: append(slices.Clip(sc.Notes), notes...), Logs: sc.Logs, Note: maelstrom.RealTimeNote})
	}
	if sc.Interrupted {
		fmt.Fprintf(stdout, "Interrupted after %s: every node was stopped; what was recorded is checked below.\n", sim.FormatDuration(sc.ElapsedNs))
	}
	fmt.Fprintf(stdout, "%s of real time: %s, %d faults, %d messages between nodes (%d dropped, %d duplicated, %d delayed), %d to services.\n",
		sim.FormatDuration(sc.ElapsedNs), opsText(sc.History), len(sc.Applied), sc.Stats.NodeMessages, sc.Stats.Dropped,
		sc.Stats.Duplicated, sc.Stats.Delayed, sc.Stats.ServiceMessages)
	for _, a := range sc.Applied {
		fmt.Fprintf(stdout, "  %8s  %s\n", sim.FormatDuration(a.AtNs), a.Desc)
	}
	for _, n := range sc.Notes {
		fmt.Fprintf(stdout, "Note: %s\n", n)
	}
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, maelstrom.FormatText(res))
	printNotes(stdout, notes)
	return code, nil
}

// opsText counts operations by how they ended.
func opsText(h history.History) string {
	count := map[history.Type]int{}
	invokes := 0
	for _, o := range h {
		if o.IsNemesis() {
			continue
		}
		if o.Type == history.Invoke {
			invokes++
		} else {
			count[o.Type]++
		}
	}
	return fmt.Sprintf("%d operations (%d ok, %d failed, %d unknown)", invokes, count[history.OK], count[history.Fail], count[history.Info])
}

func readNodeScenario(path string) (maelstrom.Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return maelstrom.Scenario{}, usagef("node: cannot read scenario %s: %v", path, unwrapPathError(err))
	}
	sc, err := maelstrom.ReadScenario(b, path)
	if err != nil {
		return maelstrom.Scenario{}, usagef("node: scenario %v", err)
	}
	return sc, nil
}

// recheckNode checks a recorded run's history again.
func recheckNode(f nodeFlags, set func(string) bool, stdout io.Writer) (int, error) {
	for _, name := range []string{"workload", "nodes", "clients", "nemesis", "time-limit", "rate", "seed", "recovery", "topology", "log-dir", "out-scenario"} {
		if set(name) {
			return exitUsage, usagef("node: --%s needs --bin: with --scenario alone the recorded run is checked again", name)
		}
	}
	sc, err := readNodeScenario(f.scenario)
	if err != nil {
		return exitUsage, err
	}
	if err := nodeOutputsOK(f, sc.Config.Workload); err != nil {
		return exitUsage, err
	}
	ctx, _, stop := interrupts()
	defer stop()
	res, err := maelstrom.Check(ctx, sc.Config.Workload, sc.History, sc.FinalFrom, f.timeout)
	if err != nil {
		return exitUsage, fmt.Errorf("node: check %s: %w", f.scenario, err)
	}
	notes, err := writeNodeOutputs(ctx, f, sc, res)
	if err != nil {
		return exitUsage, err
	}
	if !f.json {
		fmt.Fprintf(stdout, "%s: a run of %s (%s) on %d nodes, seed %d, checked again.\n", f.scenario, maelstrom.QuoteCommand(sc.Config.Bin),
			sc.Config.Workload, sc.Config.Nodes, sc.Config.Seed)
	}
	return reportNode(stdout, f.json, sc, res, notes)
}
