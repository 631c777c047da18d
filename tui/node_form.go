package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/faultline-lab/faultline/maelstrom"
)

// formField is one setting of the learner's own node.
type formField int

const (
	fieldCommand formField = iota
	fieldWorkload
	fieldNodes
	fieldNemesis
	fieldTimeLimit
	fieldRecovery
	fieldRate
	fieldSeed
	fieldCount
)

var fieldLabels = [fieldCount]string{"command", "workload", "nodes", "nemesis", "time limit", "recovery", "rate", "seed"}

// nodeForm asks how to run the learner's own node: the command, the
// workload, and the size, faults, length, recovery, rate and seed of the run,
// offering the last run's settings again. While it is open it takes every
// key (the command is typed).
type nodeForm struct {
	inputs   [fieldCount]textinput.Model // the workload's is unused: it is chosen
	workload int                         // index into maelstrom.Workloads
	focus    formField
	problem  string    // what is wrong with the settings, after enter
	bad      formField // the field it is about
}

// defaultNodeSettings are a first run's: the examples' workload on five
// nodes (Jepsen's usual cluster), partitions, ten seconds at a pace that
// can be watched and still gives a bug a chance to show.
func defaultNodeSettings() nodeSettings {
	d := maelstrom.DefaultConfig("lin-kv")
	return nodeSettings{Workload: d.Workload, Nodes: 5, Nemesis: "partition", TimeLimit: d.TimeLimit.String(), Rate: 20, Seed: d.Seed}
}

func newNodeForm(s nodeSettings) nodeForm {
	var f nodeForm
	values := [fieldCount]string{s.Command, "", strconv.Itoa(s.Nodes), s.Nemesis, s.TimeLimit, s.Recovery,
		strconv.FormatFloat(s.Rate, 'f', -1, 64), strconv.FormatUint(s.Seed, 10)}
	for i := range f.inputs {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = 1024
		in.Cursor.SetMode(cursor.CursorStatic) // no blinking: no ticks to route
		in.SetValue(values[i])
		f.inputs[i] = in
	}
	f.inputs[fieldCommand].Placeholder = "(type it: e.g. /tmp/kv, built as below)"
	f.inputs[fieldNemesis].Placeholder = "none"
	f.workload = max(0, slices.Index(maelstrom.Workloads, s.Workload))
	f.focusOn(fieldCommand)
	return f
}

func (f *nodeForm) focusOn(field formField) {
	f.inputs[f.focus].Blur()
	f.focus = field
	if field != fieldWorkload {
		f.inputs[field].Focus()
		f.inputs[field].CursorEnd()
	}
}

// Update edits the settings. It reports submit when enter asks to run
// with them (the caller validates them), and back on esc.
func (f nodeForm) Update(k tea.KeyMsg, c *common) (nodeForm, tea.Cmd, formAction) {
	keys := c.keys
	switch {
	case key.Matches(k, keys.Esc):
		return f, nil, formBack
	case key.Matches(k, keys.Enter):
		return f, nil, formSubmit
	case key.Matches(k, keys.Up, keys.PrevOp):
		f.focusOn((f.focus + fieldCount - 1) % fieldCount)
		return f, nil, formNone
	case key.Matches(k, keys.Down, keys.Tab):
		f.focusOn((f.focus + 1) % fieldCount)
		return f, nil, formNone
	case f.focus == fieldWorkload && key.Matches(k, keys.Left, keys.Right):
		step := 1
		if key.Matches(k, keys.Left) {
			step = len(maelstrom.Workloads) - 1
		}
		f.workload = (f.workload + step) % len(maelstrom.Workloads)
		return f, nil, formNone
	case f.focus == fieldWorkload:
		return f, nil, formNone
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(k)
	return f, cmd, formNone
}

// formAction is what a key asked of the form.
type formAction uint8

const (
	formNone formAction = iota
	formSubmit
	formBack
)

// settings are the fields as typed.
func (f nodeForm) settings() nodeSettings {
	v := func(field formField) string { return strings.TrimSpace(f.inputs[field].Value()) }
	s := nodeSettings{Command: v(fieldCommand), Workload: maelstrom.Workloads[f.workload], Nemesis: v(fieldNemesis),
		TimeLimit: v(fieldTimeLimit), Recovery: v(fieldRecovery)}
	s.Nodes, _ = strconv.Atoi(v(fieldNodes))
	s.Rate, _ = strconv.ParseFloat(v(fieldRate), 64)
	s.Seed, _ = strconv.ParseUint(v(fieldSeed), 10, 64)
	return s
}

// config checks the settings and makes the run's configuration; an error
// names the field and what is wrong with it.
func (f nodeForm) config() (maelstrom.Config, formField, error) {
	s := f.settings()
	v := func(field formField) string { return strings.TrimSpace(f.inputs[field].Value()) }
	if s.Command == "" {
		return maelstrom.Config{}, fieldCommand, errors.New("type the command that runs one of your nodes (the example below is one)")
	}
	bin, err := maelstrom.SplitCommand(s.Command)
	if err != nil {
		return maelstrom.Config{}, fieldCommand, err
	}
	if problem := runnable(bin[0]); problem != "" {
		return maelstrom.Config{}, fieldCommand, errors.New(problem)
	}
	cfg := maelstrom.DefaultConfig(s.Workload)
	cfg.Bin = bin
	if n, err := strconv.Atoi(v(fieldNodes)); err != nil || n < 1 || n > 64 {
		return cfg, fieldNodes, fmt.Errorf("nodes must be a number from 1 to 64, not %q", v(fieldNodes))
	}
	cfg.Nodes = s.Nodes
	if cfg.Nemesis, err = nemesisList(s.Nemesis); err != nil {
		return cfg, fieldNemesis, err
	}
	limit, err := parseLimit(s.TimeLimit)
	if err != nil {
		return cfg, fieldTimeLimit, err
	}
	cfg.TimeLimit = limit
	if s.Recovery != "" {
		if cfg.Recovery, err = parseRecovery(s.Recovery); err != nil {
			return cfg, fieldRecovery, err
		}
	}
	if r, err := strconv.ParseFloat(v(fieldRate), 64); err != nil || r <= 0 || r > 10_000 {
		return cfg, fieldRate, fmt.Errorf("rate must be a number of operations a second, from 0.1 to 10000, not %q", v(fieldRate))
	}
	cfg.Rate = s.Rate
	if _, err := strconv.ParseUint(v(fieldSeed), 10, 64); err != nil {
		return cfg, fieldSeed, fmt.Errorf("seed must be a whole number, not %q", v(fieldSeed))
	}
	cfg.Seed = s.Seed
	return cfg, fieldCommand, nil
}

// runnable says what stops a command from running ("" nothing).
func runnable(bin string) string {
	_, err := exec.LookPath(bin)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, exec.ErrNotFound):
		return fmt.Sprintf("cannot run %q: not found (give a path such as ./node, or put it on $PATH)", bin)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("cannot run %q: there is no such file (build it first: see the example below)", bin)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("cannot run %q: it is not an executable file (chmod +x, or run it through its interpreter: python3 %s)", bin, bin)
	}
	return fmt.Sprintf("cannot run %q: %v", bin, err)
}

// nemesisList reads a comma-separated list of faults ("none" or empty:
// none).
func nemesisList(s string) ([]string, error) {
	if s == "" || s == "none" {
		return nil, nil
	}
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out, maelstrom.CheckNemesis(out)
}

// parseLimit reads a time limit: 10s, 1m30s, or a number of seconds.
func parseLimit(s string) (time.Duration, error) {
	d, err := parseDuration(s)
	if err != nil || d < time.Second || d > time.Hour {
		return 0, fmt.Errorf("time limit must be from 1s to 1h, such as 10s or 2m, not %q", s)
	}
	return d, nil
}

// parseDuration reads a duration as Go writes it (10s, 1m30s) or a number
// of seconds.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		if n, nerr := strconv.ParseFloat(s, 64); nerr == nil {
			return time.Duration(n * float64(time.Second)), nil
		}
	}
	return d, err
}

// parseRecovery reads a recovery time: 0 to 1h, such as 500ms, 2s, or a
// number of seconds.
func parseRecovery(s string) (time.Duration, error) {
	d, err := parseDuration(s)
	if err != nil || d < 0 || d > maelstrom.MaxRecovery {
		return 0, fmt.Errorf("recovery must be from 0s to 1h, such as 500ms or 2s (empty: the workload's default), not %q", s)
	}
	return d, nil
}

// fieldHelp says what the focused field is for.
func fieldHelp(f formField) string {
	switch f {
	case fieldCommand:
		return "The command that runs one node, split as a shell would (quotes, backslashes); nothing is expanded. It runs in the folder faultline started in."
	case fieldWorkload:
		return "← → choose. echo and unique-ids check your node speaks the protocol; broadcast and g-counter must converge; lin-kv is checked for linearizability."
	case fieldNodes:
		return "How many processes to start: n1, n2, … (1–64)."
	case fieldNemesis:
		return "The faults the schedule applies in turn, comma-separated: " + strings.Join(maelstrom.NemesisNames(), ", ") +
			"; or none. p k z h add your own while it runs."
	case fieldTimeLimit:
		var with, without []string
		for _, w := range maelstrom.Workloads {
			if maelstrom.FinalReads(w) {
				with = append(with, w)
			} else {
				without = append(without, w)
			}
		}
		return fmt.Sprintf("How long the clients work (10s, 1m); then every fault is healed, the nodes recover, and the final reads run (%s; %s end here).",
			strings.Join(with, ", "), strings.Join(without, " and "))
	case fieldRecovery:
		return "The quiet time after every fault is healed, before the final reads: time for your nodes to converge (500ms, 2s). Empty: the workload's default, shown beside it."
	case fieldRate:
		return "Client operations a second, over all clients (one client per node)."
	}
	return "Fixes the operations the clients issue and the fault schedule — not how the messages interleave: your nodes run in real time."
}

// recoveryNote follows the recovery field: what the default is for the
// workload chosen, or that it has no final reads to wait for.
func recoveryNote(workload string) string {
	if !maelstrom.FinalReads(workload) {
		return " (" + workload + " has no final reads)"
	}
	return fmt.Sprintf(" (%s's default: %s)", workload, maelstrom.DefaultConfig(workload).Recovery)
}

// nodeExample is the one line that points at the shipped examples.
const nodeExample = "Example, from the repository's root: go build -o /tmp/kv ./examples/nodes/kv, then the command " +
	"/tmp/kv (/tmp/kv -local-reads has the bug). More: examples/nodes/README.md."

// View draws the form in width×height.
func (f nodeForm) View(c *common, width, height int) string {
	st := c.styles
	var b []string
	b = append(b, " "+st.Title.Render("faultline › your own node"), "")
	b = append(b, indentLines(wrapLines("Run your own program (any language that speaks Maelstrom's protocol) as a cluster under faultline's network, faults, checker and views.", width-2), 1)...)
	b = append(b, "")
	const labelW = 12
	for i := range fieldCount {
		mark := "  "
		label := fit(fieldLabels[i], labelW)
		if i == f.focus {
			mark = "▸ "
			label = st.Bold.Render(label)
		}
		var value string
		switch i {
		case fieldWorkload:
			value = "◂ " + maelstrom.Workloads[f.workload] + " ▸"
			if i == f.focus {
				value = st.Selected.Render(value)
			}
		case fieldCommand, fieldNemesis:
			in := f.inputs[i]
			in.Width = max(10, width-labelW-8)
			value = in.View()
		default:
			in := f.inputs[i]
			in.Width = 12
			value = in.View()
		}
		switch i {
		case fieldRate:
			value += st.Dim.Render(" operations/s")
		case fieldRecovery:
			value += st.Dim.Render(recoveryNote(maelstrom.Workloads[f.workload]))
		}
		b = append(b, cut(" "+mark+label+value, width))
	}
	b = append(b, "")
	if f.problem != "" {
		for _, l := range wrapLines(fieldLabels[f.bad]+": "+f.problem, width-2) {
			b = append(b, " "+st.Error.Render(l))
		}
	} else {
		for _, l := range wrapLines(fieldHelp(f.focus), width-2) {
			b = append(b, " "+st.Dim.Render(l))
		}
	}
	b = append(b, "")
	for _, l := range wrapLines(nodeExample, width-2) {
		b = append(b, " "+l)
	}
	return fitBlock(strings.Join(b, "\n"), width, height)
}
