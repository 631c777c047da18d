package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// Every flag that more than one command takes is defined here, once: one
// parser and one validation, whichever command it is given to.

// maxTimeout bounds --timeout: longer is surely a slip of the finger.
const maxTimeout = 24 * time.Hour

// maxWorkers bounds hunt's --workers: each worker holds a run and a check
// in memory, so more workers than this only exhaust memory.
const maxWorkers = 64

// maxSeeds bounds how many seeds one hunt tries.
const maxSeeds = 1_000_000

// timeoutFlag defines --timeout, the bound on the whole command.
func (f *flagSet) timeoutFlag(def time.Duration) {
	d := def
	f.timeout = &d
	f.value("timeout", "D", def.String(), "time limit for the whole command: reading, running, checking and writing (like 500ms, 30s or 2m)", func(s string) error {
		v, err := time.ParseDuration(s)
		switch {
		case err != nil:
			return errors.New("want a duration like 500ms, 30s or 2m")
		case v <= 0:
			return errors.New("must be positive")
		case v > maxTimeout:
			return fmt.Errorf("at most %s", maxTimeout)
		}
		d = v
		return nil
	})
}

func (f *flagSet) jsonFlag(dst *bool) {
	f.boolean(dst, "json", "print one JSON object instead of text")
}

// lessonFlag defines --lesson, checked against the lessons there are.
func (f *flagSet) lessonFlag(dst **lessons.Lesson, usage string) {
	f.value("lesson", "ID", "", usage, func(s string) error {
		l, err := lessons.Get(s)
		if err != nil {
			var ids []string
			for _, l := range lessons.All() {
				ids = append(ids, l.ID)
			}
			return fmt.Errorf("unknown lesson (lessons: %s)", strings.Join(ids, ", "))
		}
		*dst = l
		return nil
	})
}

// variantFlag defines --variant; it is checked against the lesson's
// variants once every flag is read (see checkVariant).
func (f *flagSet) variantFlag(dst *string, usage string) {
	f.value("variant", "NAME", "the lesson's buggy design", usage, func(s string) error {
		if s == "" {
			return errors.New("empty: name a variant (go run . lessons lists them)")
		}
		*dst = s
		return nil
	})
}

// checkVariant says whether l has the variant ("" is its default).
func checkVariant(c *command, l *lessons.Lesson, variant string) error {
	if _, err := l.Design.Factory(variant); err != nil {
		return usagef("%s--variant: %v", c.prefix(), err)
	}
	return nil
}

// seedFlag defines --seed.
func (f *flagSet) seedFlag(dst *uint64, def string) {
	f.value("seed", "N", def, "the run's seed: the same seed replays the same run", func(s string) error {
		n, err := parseUint(s)
		*dst = n
		return err
	})
}

// parseUint reads a non-negative integer, and nothing else: no sign, no
// spaces, nothing after it.
func parseUint(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	var ne *strconv.NumError
	if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
		return 0, errors.New("too large")
	}
	if err != nil {
		return 0, errors.New("want a non-negative integer")
	}
	return n, nil
}

// seedRange is hunt's --seeds A-B.
type seedRange struct{ from, to uint64 }

func (r seedRange) count() uint64 { return r.to - r.from + 1 }

var seedsPattern = regexp.MustCompile(`^([0-9]+)(?:-([0-9]+))?$`)

func (f *flagSet) seedsFlag(dst *seedRange, def string) {
	f.value("seeds", "A-B", def, "the seeds to try, A to B inclusive (or one seed N)", func(s string) error {
		m := seedsPattern.FindStringSubmatch(s)
		if m == nil {
			return errors.New("want A-B, like 1-200")
		}
		a, err := parseUint(m[1])
		if err != nil {
			return err
		}
		b := a
		if m[2] != "" {
			if b, err = parseUint(m[2]); err != nil {
				return err
			}
		}
		switch {
		case b < a:
			return errors.New("the range ends before it starts")
		case b-a >= maxSeeds:
			return fmt.Errorf("at most %d seeds at once", maxSeeds)
		}
		*dst = seedRange{a, b}
		return nil
	})
}

// sizeFlag defines --nodes, --clients or --ops: a positive integer that
// the simulator's own validation accepts (its bounds, such as the most
// operations a run may hold in memory, are the simulator's to set).
func (f *flagSet) sizeFlag(dst *int, name, usage string, field func(*sim.Config) *int) {
	f.value(name, "N", "the lesson's", usage, func(s string) error {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil && strings.Trim(s, "0123456789") == "":
			return errors.New("too large")
		case err != nil:
			return errors.New("want a positive integer")
		case n <= 0:
			return errors.New("must be positive")
		}
		cfg := sim.DefaultConfig()
		cfg.Trace = false // the command line runs without the trace
		*field(&cfg) = n
		if err := cfg.Validate(); err != nil {
			return err
		}
		*dst = n
		return nil
	})
}

func (f *flagSet) nodesFlag(dst *int) {
	f.sizeFlag(dst, "nodes", "nodes in the cluster", func(c *sim.Config) *int { return &c.Nodes })
}

func (f *flagSet) clientsFlag(dst *int) {
	f.sizeFlag(dst, "clients", "client processes", func(c *sim.Config) *int { return &c.Clients })
}

func (f *flagSet) opsFlag(dst *int) {
	f.sizeFlag(dst, "ops", "operations the clients invoke", func(c *sim.Config) *int { return &c.Ops })
}

// nemesisFlag defines --nemesis. Unset, it leaves *dst nil: the lesson's
// own faults. "none" is no faults; an empty list is a mistake, not "none".
func (f *flagSet) nemesisFlag(dst *[]sim.Nemesis) {
	var names []string
	for _, k := range sim.AllNemeses() {
		names = append(names, string(k))
	}
	f.value("nemesis", "LIST", "the lesson's", "faults, comma-separated ("+strings.Join(names, ", ")+"), all, or none", func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("empty: name the faults, all for every one, or none for no faults")
		}
		kinds, err := lessons.ParseNemesis(s)
		if err != nil {
			return err
		}
		*dst = kinds
		return nil
	})
}

// mixFlags defines --mix and --density, which shape a --nemesis list.
func (f *flagSet) mixFlags(mix *lessons.MixMode, density *float64) {
	f.value("mix", "MODE", string(lessons.MixOverlap), "how the --nemesis faults combine: overlap (each starts and stops on its own) or cycle (one at a time)", func(s string) error {
		m, err := lessons.ParseMix(s)
		*mix = m
		return err
	})
	f.value("density", "F", "0.5, or 1.5/k for k > 3 faults", "with --mix overlap: the fraction of time each fault is in force, above 0 and at most 1", func(s string) error {
		d, err := strconv.ParseFloat(s, 64)
		switch {
		case err != nil:
			return errors.New("want a number like 0.5")
		case !(d > 0 && d <= 1):
			return errors.New("must be above 0 and at most 1")
		}
		*density = d
		return nil
	})
}

// checkNemesis says when --mix or --density come without the --nemesis
// list they shape.
func checkNemesis(fs *flagSet) error {
	if !fs.isSet("nemesis") && (fs.isSet("mix") || fs.isSet("density")) {
		return usagef("%s--mix and --density shape a --nemesis list; give one%s", fs.cmd.prefix(), fs.cmd.seeHelp())
	}
	return nil
}

// workersFlag defines hunt's --workers.
func (f *flagSet) workersFlag(dst *int) {
	*dst = min(runtime.GOMAXPROCS(0), maxWorkers)
	f.value("workers", "N", "one per CPU", "seeds run at once", func(s string) error {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil:
			return errors.New("want a positive integer")
		case n <= 0:
			return errors.New("must be positive")
		case n > maxWorkers:
			return fmt.Errorf("at most %d (each worker holds a run and its check in memory)", maxWorkers)
		}
		*dst = n
		return nil
	})
}

// formatFlag defines check's --format.
func (f *flagSet) formatFlag(dst *string) {
	*dst = history.FormatAuto
	all := append([]string{history.FormatAuto}, history.Formats()...)
	f.value("format", "F", history.FormatAuto, "the history's format: "+strings.Join(all, ", "), func(s string) error {
		if !slices.Contains(all, s) {
			return fmt.Errorf("unknown format; want %s", strings.Join(all, ", "))
		}
		*dst = s
		return nil
	})
}

// modelFlag defines check's --model.
func (f *flagSet) modelFlag(dst *string) {
	f.value("model", "M", "the format's, or guessed from the operations", "consistency model: "+strings.Join(checkModels(), ", "), func(s string) error {
		if !slices.Contains(checkModels(), s) {
			return fmt.Errorf("unknown model; want one of %s", strings.Join(checkModels(), ", "))
		}
		*dst = s
		return nil
	})
}

// initFlag defines check's --init, a JSON value.
func (f *flagSet) initFlag(dst *any) {
	f.value("init", "V", "null, nothing written yet", "the initial value, as JSON: 0, \"x\", null", func(s string) error {
		var v any
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil || dec.More() {
			return errors.New("not a JSON value (try 0, \"x\" or null)")
		}
		n, err := history.Normalize(v)
		if err != nil {
			return err
		}
		*dst = n
		return nil
	})
}

// outputFlag is a file a command writes.
type outputFlag struct {
	name string
	path *string
}

// outputFlag defines a flag naming a file the command writes; check
// validates the name (an extension, say) when it is given.
func (f *flagSet) outputFlag(dst *string, name, arg, usage string, check func(string) error) {
	f.outputs = append(f.outputs, &outputFlag{name, dst})
	f.value(name, arg, "", usage, func(s string) error {
		if s == "" {
			return errors.New("empty: name a file")
		}
		if check != nil {
			if err := check(s); err != nil {
				return err
			}
		}
		*dst = s
		return nil
	})
}

// checkOutputs fails, before any work, on outputs that could not all be
// written: two flags naming one file, an output that is one of the inputs,
// a directory that does not exist or takes no files.
func (f *flagSet) checkOutputs(inputs ...string) error {
	var given []*outputFlag
	for _, o := range f.outputs {
		if *o.path != "" {
			given = append(given, o)
		}
	}
	for i, o := range given {
		for _, p := range given[:i] {
			if samePath(*o.path, *p.path) {
				return usagef("%s--%s and --%s name the same file %s", f.cmd.prefix(), p.name, o.name, *o.path)
			}
		}
		for _, in := range inputs {
			if in != "" && samePath(*o.path, in) {
				return usagef("%s--%s %s would overwrite the input it reads", f.cmd.prefix(), o.name, *o.path)
			}
		}
		if err := writableOutput(*o.path); err != nil {
			return usagef("%s--%s: %v", f.cmd.prefix(), o.name, err)
		}
	}
	return nil
}

// samePath reports whether two paths name one file (the same name, or a
// link to one file).
func samePath(a, b string) bool {
	if aa, err := filepath.Abs(a); err == nil {
		if bb, err := filepath.Abs(b); err == nil && aa == bb {
			return true
		}
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
