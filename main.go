// Command faultline is a terminal workbench for learning how distributed
// databases break and how Jepsen-style testing catches them.
//
//	faultline                      open the workbench (lesson picker)
//	faultline lessons [--json]     list lessons
//	faultline run --lesson ID ...  run a lesson headless and check it
//	faultline hunt --lesson ID ... run many seeds; report the failing ones
//	faultline check FILE ...       check a history file
//	faultline help [COMMAND]       usage; every command also takes --help
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"unicode"

	"github.com/faultline-lab/faultline/internal/atomicfile"
)

// Exit statuses, as the CLI contract (docs/cli.md) gives them.
const (
	exitOK      = 0 // linearizable; hunt: no failing seed
	exitFailed  = 1 // not linearizable; hunt: a failing seed found
	exitUsage   = 2 // usage or input error
	exitUnknown = 3 // the checker (or the command) ran out of time
)

// commands are the subcommands, in the order help lists them. Adding one
// is one line here: its flags, help and --timeout come from its definition.
var commands = []*command{lessonsCmd, runCmd, huntCmd, checkCmd, nodeCmd}

// usageError is bad input from the user: exit 2 with one clear line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func main() {
	if c := findCommand(safeArg(os.Args, 1)); c != nil && !c.ownSignals {
		stopOnSignal() // a command with its own parsing handles its own signals
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// interrupted is every command's root context: an interrupt or a
// termination cancels it (see stopOnSignal), so that a search in progress,
// the HTML page's included, stops at once.
var interrupted, interrupt = context.WithCancel(context.Background())

// stopOnSignal makes an interrupt or a termination remove every output
// file still being written before the program ends (the workbench handles
// its own keys, so it is not given this).
func stopOnSignal() {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		interrupt()
		atomicfile.Abort()
		fmt.Fprintln(os.Stderr, "faultline: interrupted; no output file was left half-written")
		code := 130 // 128 + SIGINT, as shells report it
		if sig == syscall.SIGTERM {
			code = 143
		}
		os.Exit(code)
	}()
}

func run(args []string, stdout, stderr io.Writer) int {
	code, err := dispatch(interrupted, args, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "faultline: "+oneLine(err.Error()))
		if code == exitOK {
			code = exitUsage
		}
	}
	return code
}

func dispatch(ctx context.Context, args []string, stdout io.Writer) (int, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		for _, a := range args {
			if isHelp(a) {
				return exitOK, printHelp(stdout, nil)
			}
		}
		return tuiCmd.execute(ctx, args, stdout)
	}
	if args[0] == "help" {
		return exitOK, printHelp(stdout, args[1:])
	}
	if c := findCommand(args[0]); c != nil {
		return c.execute(ctx, args[1:], stdout)
	}
	return exitUsage, usagef("unknown command %s (commands: %s; see go run . help)", clipArg(args[0]), strings.Join(commandNames(), ", "))
}

func safeArg(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

func isHelp(a string) bool { return a == "-h" || a == "-help" || a == "--help" }

func findCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func commandNames() []string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return names
}

// printHelp prints the overview, or with a command name that command's
// help. Every synopsis is generated from the command's flags.
func printHelp(w io.Writer, args []string) error {
	if len(args) > 0 {
		c := findCommand(args[0])
		if c == nil {
			return usagef("help: unknown command %s (commands: %s)", clipArg(args[0]), strings.Join(commandNames(), ", "))
		}
		c.help(w)
		return nil
	}
	fmt.Fprint(w, "faultline — learn how distributed databases break, and how Jepsen-style testing catches them.\n\nUsage:\n")
	for _, c := range append([]*command{tuiCmd}, commands...) {
		fmt.Fprintf(w, "  %s\n      %s\n", strings.ReplaceAll(c.synopsis(), "\n", "\n  "), c.summary)
	}
	fmt.Fprint(w, "  go run . help [COMMAND]\n      this help, or a command's flags with their defaults (also: go run . COMMAND --help)\n\n")
	fmt.Fprint(w, exitText)
	fmt.Fprint(w, `
Examples:
  go run . run --lesson stale-replica-reads --seed 42
  go run . run --lesson stale-replica-reads --seed 42 --variant fixed --out run.jsonl
  go run . hunt --lesson stale-replica-reads --seeds 1-200
  go run . check run.jsonl --model register
`)
	return nil
}

const exitText = `Exit status: 0 linearizable (hunt: no failing seed), 1 not linearizable (hunt: a failing
seed found), 2 usage or input error, 3 unknown (out of time: see --timeout).
`

// maxMessage bounds one error line.
const maxMessage = 600

// oneLine makes a message one short, valid, printable line, whatever input
// it quotes: the last guard behind every message's own excerpts.
func oneLine(msg string) string {
	var b strings.Builder
	for i, r := range strings.ToValidUTF8(msg, "\uFFFD") {
		if i >= maxMessage {
			b.WriteString(" ...")
			break
		}
		switch {
		case r == '\n' || r == '\t':
			b.WriteByte(' ')
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, "%U", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
