package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/internal/atomicfile"
	"github.com/faultline-lab/faultline/maelstrom"
	"github.com/faultline-lab/faultline/sim"
)

const nodeHelp = `go run . node — run your own node, in any language, under faultline's faults and checker.

Usage:
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
your process and are refused.

Exit status: 0 valid (lin-kv: linearizable), 1 invalid (not linearizable), 2 usage error or a
node that broke the protocol, 3 unknown (the checker ran out of time, or the run was cut short).

Flags:
`

type nodeFlags struct {
	workload, bin, nemesis, topology, logDir, out, outScenario, html, scenario string
	nodes, clients                                                             int
	rate                                                                       float64
	seed                                                                       uint64
	timeLimit, recovery, timeout                                               time.Duration
	json                                                                       bool
}

func nodeFlagSet(f *nodeFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("node", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.StringVar(&f.workload, "workload", "", "echo, unique-ids, broadcast, g-counter or lin-kv")
	fs.StringVar(&f.bin, "bin", "", "the command that runs one node, with its arguments")
	fs.IntVar(&f.nodes, "nodes", 3, "nodes")
	fs.IntVar(&f.clients, "clients", 0, "client processes (default: one per node)")
	fs.StringVar(&f.nemesis, "nemesis", "none", "faults, comma-separated: "+strings.Join(maelstrom.NemesisNames(), ", ")+"; or none")
	fs.DurationVar(&f.timeLimit, "time-limit", 10*time.Second, "how long the clients work")
	fs.Float64Var(&f.rate, "rate", 10, "client operations per second, over all clients")
	fs.Uint64Var(&f.seed, "seed", 1, "seed: fixes the operations and the fault schedule")
	fs.DurationVar(&f.recovery, "recovery", 0, "quiet time after healing, before the final reads (default: 10s for broadcast and g-counter, 2s for lin-kv)")
	fs.StringVar(&f.topology, "topology", "grid", "broadcast topology: "+strings.Join(maelstrom.Topologies, ", "))
	fs.StringVar(&f.logDir, "log-dir", "", "where each node's stderr is kept, as NODE.log (default: a new temporary directory)")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second, "checker time limit")
	fs.StringVar(&f.out, "out", "", "write the history (.jsonl or .edn)")
	fs.StringVar(&f.outScenario, "out-scenario", "", "write the run's record: configuration, faults and history (JSON)")
	fs.StringVar(&f.html, "html", "", "write porcupine's visualization (HTML; lin-kv only)")
	fs.StringVar(&f.scenario, "scenario", "", "a recorded run: check it again, or with --bin run it again")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	return fs
}

func cmdNode(args []string, stdout io.Writer) (int, error) {
	var f nodeFlags
	fs := nodeFlagSet(&f)
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(stdout)
			fmt.Fprint(stdout, nodeHelp)
			fs.PrintDefaults()
			return exitOK, nil
		}
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage, usagef("node: %s (see go run . node --help)", err)
	}
	if fs.NArg() > 0 {
		return exitUsage, usagef("node: unexpected argument %q (quote the command: --bin \"%s\")", fs.Arg(0), strings.Join(fs.Args(), " "))
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if f.scenario != "" && !set["bin"] {
		return recheckNode(f, set, stdout)
	}
	cfg, err := nodeConfig(f, set)
	if err != nil {
		return exitUsage, err
	}
	if err := nodeOutputsOK(f, cfg.Workload); err != nil {
		return exitUsage, err
	}
	return runNode(cfg, f, stdout)
}

// nodeConfig builds the run's configuration from the flags, or from a
// scenario and --bin.
func nodeConfig(f nodeFlags, set map[string]bool) (maelstrom.Config, error) {
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
			if set[name] {
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
		if set["recovery"] {
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

// The CLI's output plumbing, in one place: a file is written whole or not
// at all, and an unwritable path is refused before any work.
var (
	writeNodeFile = atomicfile.Write
	nodeWritable  = writableOutput
)

func nodeOutputsOK(f nodeFlags, workload string) error {
	for _, p := range []string{f.out, f.outScenario, f.html} {
		if err := nodeWritable(p); err != nil {
			return err
		}
	}
	if f.out != "" {
		if _, err := historyWriter(f.out); err != nil {
			return usagef("node: --out %s: the file must end in .jsonl or .edn", f.out)
		}
	}
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
	if err := writeNodeOutputs(checkCtx, f, sc, res); err != nil {
		return exitUsage, err
	}
	return reportNode(stdout, f.json, sc, res)
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

func writeNodeOutputs(ctx context.Context, f nodeFlags, sc maelstrom.Scenario, res maelstrom.Result) error {
	if f.out != "" {
		w, _ := historyWriter(f.out)
		if err := writeNodeFile(f.out, func(out io.Writer) error { return w(out, sc.History) }); err != nil {
			return err
		}
	}
	if f.outScenario != "" {
		if err := writeNodeFile(f.outScenario, func(w io.Writer) error { return maelstrom.WriteScenario(w, sc) }); err != nil {
			return err
		}
	}
	if f.html != "" && res.Lin != nil {
		ctx, cancel := context.WithTimeout(ctx, f.timeout)
		defer cancel()
		opts := checker.Options{Model: "kv"}
		if err := writeNodeFile(f.html, func(w io.Writer) error { return writePage(ctx, w, sc.History, *res.Lin, opts) }); err != nil {
			return err
		}
	}
	return nil
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

func reportNode(stdout io.Writer, asJSON bool, sc maelstrom.Scenario, res maelstrom.Result) (int, error) {
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
			Stats: sc.Stats, Notes: sc.Notes, Logs: sc.Logs, Note: maelstrom.RealTimeNote})
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
func recheckNode(f nodeFlags, set map[string]bool, stdout io.Writer) (int, error) {
	for name := range set {
		switch name {
		case "scenario", "json", "timeout", "out", "html":
		default:
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
	if err := writeNodeOutputs(ctx, f, sc, res); err != nil {
		return exitUsage, err
	}
	if !f.json {
		fmt.Fprintf(stdout, "%s: a run of %s (%s) on %d nodes, seed %d, checked again.\n", f.scenario, maelstrom.QuoteCommand(sc.Config.Bin),
			sc.Config.Workload, sc.Config.Nodes, sc.Config.Seed)
	}
	return reportNode(stdout, f.json, sc, res)
}
