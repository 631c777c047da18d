package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/faultline-lab/faultline/history"
)

// A command is one subcommand. Its flags are defined once, in define, and
// everything else — parsing, each flag's validation, --help, the synopsis
// in faultline help, the --timeout context — comes from that definition, so
// the help cannot drift from what the command accepts.
type command struct {
	name    string // "" for the workbench (faultline with no subcommand)
	args    string // positional arguments in the synopsis: "FILE"
	summary string // one line for faultline help
	about   string // a paragraph for the command's own help
	// define registers the flags on fs and returns what the command does
	// with the positional arguments once they are parsed.
	define func(fs *flagSet) action
	// ownSignals: the command handles interrupts itself (node: the first
	// stops the run, the second the check); the others end at once,
	// leaving no output half-written.
	ownSignals bool
}

// An action runs a parsed command. ctx carries --timeout's deadline when
// the command has that flag, and is cancelled when the user interrupts.
type action func(ctx context.Context, pos []string, stdout io.Writer) (int, error)

// flagSet is a flag.FlagSet that remembers its flags in the order they
// were defined (for help), says what was wrong with a value in the
// project's words, and knows the command's output files and time limit.
type flagSet struct {
	cmd     *command
	fs      *flag.FlagSet
	specs   []*flagSpec
	bad     error // the last bad value, described
	outputs []*outputFlag
	timeout *time.Duration
}

// flagSpec is one flag as help shows it.
type flagSpec struct {
	name  string
	arg   string // the value's placeholder: N, D, FILE; "" for a switch
	usage string
	def   string // the default as help shows it; "" when there is none
}

func newFlagSet(c *command) *flagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{cmd: c, fs: fs}
}

// value defines a flag whose text parse turns into a value (and validates);
// a parse error becomes one clear message naming the flag and the text.
func (f *flagSet) value(name, arg, def, usage string, parse func(string) error) {
	f.specs = append(f.specs, &flagSpec{name: name, arg: arg, usage: usage, def: def})
	f.fs.Var(funcValue{def: def, set: func(s string) error {
		if err := parse(s); err != nil {
			f.bad = usagef("%s--%s %s: %v%s", f.cmd.prefix(), name, history.Excerpt(s), err, f.cmd.seeHelp())
			return err
		}
		return nil
	}}, name, usage)
}

// boolean defines a switch (--json).
func (f *flagSet) boolean(dst *bool, name, usage string) {
	f.specs = append(f.specs, &flagSpec{name: name, usage: usage})
	f.fs.Var(boolValue{dst: dst, bad: func(s string) {
		f.bad = usagef("%s--%s=%s: want true or false%s", f.cmd.prefix(), name, history.Excerpt(s), f.cmd.seeHelp())
	}}, name, usage)
}

// text defines a flag that takes any text.
func (f *flagSet) text(dst *string, name, arg, def, usage string) {
	*dst = def
	f.value(name, arg, def, usage, func(s string) error { *dst = s; return nil })
}

// integer defines a flag that takes an integer (its range is the
// command's to check); *dst holds the default (0: none shown).
func (f *flagSet) integer(dst *int, name, usage string) {
	def := ""
	if *dst != 0 {
		def = strconv.Itoa(*dst)
	}
	f.value(name, "N", def, usage, func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil {
			return errors.New("want an integer")
		}
		*dst = n
		return nil
	})
}

// duration defines a flag that takes a duration; *dst holds the default
// (0: none shown).
func (f *flagSet) duration(dst *time.Duration, name, usage string) {
	def := ""
	if *dst != 0 {
		def = dst.String()
	}
	f.value(name, "D", def, usage, func(s string) error {
		d, err := time.ParseDuration(s)
		if err != nil {
			return errors.New("want a duration like 500ms, 30s or 2m")
		}
		*dst = d
		return nil
	})
}

type funcValue struct {
	def string
	set func(string) error
}

func (v funcValue) String() string     { return v.def }
func (v funcValue) Set(s string) error { return v.set(s) }

type boolValue struct {
	dst *bool
	bad func(string)
}

func (v boolValue) IsBoolFlag() bool { return true }
func (v boolValue) String() string {
	if v.dst != nil && *v.dst {
		return "true"
	}
	return "false"
}
func (v boolValue) Set(s string) error {
	switch s {
	case "true", "1":
		*v.dst = true
	case "false", "0":
		*v.dst = false
	default:
		v.bad(s)
		return errors.New("bad boolean")
	}
	return nil
}

// isSet reports whether a flag was given on the command line.
func (f *flagSet) isSet(name string) bool {
	set := false
	f.fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// errHelp is --help, -h or -help anywhere among a command's arguments.
var errHelp = errors.New("help requested")

// parse reads flags before, between and after positional arguments
// (faultline check FILE --model register); "--" ends the flags.
func (f *flagSet) parse(args []string) ([]string, error) {
	var pos, rest []string
	for i, a := range args {
		if a == "--" {
			args, rest = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := f.fs.Parse(args); err != nil {
			return nil, f.describe(err)
		}
		left := f.fs.Args()
		if len(left) == 0 {
			return append(pos, rest...), nil
		}
		pos = append(pos, left[0])
		args = left[1:]
	}
}

// describe turns the flag package's errors into the project's words.
func (f *flagSet) describe(err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, flag.ErrHelp):
		return errHelp
	case f.bad != nil:
		return f.bad
	case strings.HasPrefix(msg, "flag provided but not defined: "):
		name := strings.TrimLeft(strings.TrimPrefix(msg, "flag provided but not defined: "), "-")
		return usagef("%sunknown flag --%s%s", f.cmd.prefix(), clipArg(name), f.cmd.seeHelp())
	case strings.HasPrefix(msg, "flag needs an argument: "):
		name := strings.TrimLeft(strings.TrimPrefix(msg, "flag needs an argument: "), "-")
		return usagef("%s--%s needs a value%s", f.cmd.prefix(), clipArg(name), f.cmd.seeHelp())
	}
	return usagef("%s%s%s", f.cmd.prefix(), clipArg(msg), f.cmd.seeHelp())
}

// clipArg is a piece of the command line fit for a message: itself when
// short and plain, else a quoted excerpt.
func clipArg(s string) string {
	q := history.Excerpt(s)
	if q == strconv.Quote(s) && !strings.ContainsAny(s, ` "\\`) {
		return s
	}
	return q
}

// prefix starts the command's messages: "run: ", or nothing for the
// workbench (whose messages the program's name already starts).
func (c *command) prefix() string {
	if c.name == "" {
		return ""
	}
	return c.name + ": "
}

// seeHelp ends a usage message: where the flags are explained.
func (c *command) seeHelp() string {
	if c.name == "" {
		return " (see go run . --help)"
	}
	return fmt.Sprintf(" (see go run . %s --help)", c.name)
}

// execute parses args for c and runs it: --help prints c's help and
// succeeds; --timeout becomes the context's deadline, set before any work
// so that it bounds reading, simulating, checking and writing alike.
func (c *command) execute(ctx context.Context, args []string, stdout io.Writer) (int, error) {
	fs := newFlagSet(c)
	act := c.define(fs)
	pos, err := fs.parse(args)
	if errors.Is(err, errHelp) {
		c.help(stdout)
		return exitOK, nil
	}
	if err != nil {
		return exitUsage, err
	}
	if fs.timeout != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *fs.timeout)
		defer cancel()
	}
	return act(ctx, pos, stdout)
}

// synopsis is the command's usage line, every flag included.
func (c *command) synopsis() string {
	fs := c.flags()
	parts := []string{"go run ."}
	if c.name != "" {
		parts = append(parts, c.name)
	}
	if c.args != "" {
		parts = append(parts, c.args)
	}
	for _, s := range fs.specs {
		if s.arg == "" {
			parts = append(parts, "[--"+s.name+"]")
		} else {
			parts = append(parts, "[--"+s.name+" "+s.arg+"]")
		}
	}
	return wrapWords(parts, helpWidth-2, "    ", 0)
}

// flags is the command's flag set, defined but not parsed.
func (c *command) flags() *flagSet {
	fs := newFlagSet(c)
	c.define(fs)
	return fs
}

// help prints the command's usage, what it does, and every flag with its
// default.
func (c *command) help(w io.Writer) {
	fs := c.flags()
	fmt.Fprintf(w, "Usage:\n  %s\n\n", strings.ReplaceAll(c.synopsis(), "\n", "\n  "))
	about := c.about
	if about == "" {
		about = c.summary
	}
	fmt.Fprintf(w, "%s\n\nFlags:\n", strings.TrimSpace(about))
	width := 0
	for _, s := range fs.specs {
		width = max(width, len(s.name)+len(s.arg)+3)
	}
	for _, s := range fs.specs {
		left := "--" + s.name
		if s.arg != "" {
			left += " " + s.arg
		}
		text := s.usage
		if s.def != "" {
			text += " (default: " + s.def + ")"
		}
		indent := strings.Repeat(" ", width+4)
		fmt.Fprintf(w, "  %-*s  %s\n", width, left, wrapWords(strings.Fields(text), helpWidth, indent, len(indent)))
	}
	fmt.Fprintf(w, "  %-*s  %s\n\n%s", width, "--help", "print this help", exitText)
}

// helpWidth is the width help is wrapped to.
const helpWidth = 92

// wrapWords joins words into lines of at most width columns, the first
// starting at column start, the others indented.
func wrapWords(words []string, width int, indent string, start int) string {
	var b strings.Builder
	line := start
	for i, w := range words {
		switch {
		case i == 0:
		case line+1+utf8.RuneCountInString(w) > width:
			b.WriteString("\n" + indent)
			line = len(indent)
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += utf8.RuneCountInString(w)
	}
	return b.String()
}
