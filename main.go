// Command faultline is a terminal workbench for learning how distributed
// databases break and how Jepsen-style testing catches them.
//
//	faultline                      open the workbench (lesson picker)
//	faultline lessons [--json]     list lessons
//	faultline run --lesson ID ...  run a lesson headless and check it
//	faultline hunt --lesson ID ... run many seeds; report the failing ones
//	faultline check FILE ...       check a history file
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit statuses, as DESIGN.md's CLI contract gives them.
const (
	exitOK      = 0 // linearizable; hunt: no failing seed
	exitFailed  = 1 // not linearizable; hunt: a failing seed found
	exitUsage   = 2 // usage or input error
	exitUnknown = 3 // the checker timed out
)

// usageError is bad input from the user: exit 2 with one clear line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	code, err := dispatch(args, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "faultline:", err)
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		if code == exitOK {
			code = exitUsage
		}
	}
	return code
}

func dispatch(args []string, stdout io.Writer) (int, error) {
	if len(args) == 0 || (len(args[0]) > 0 && args[0][0] == '-' && args[0] != "-h" && args[0] != "--help" && args[0] != "-help") {
		return cmdTUI(args, stdout)
	}
	switch args[0] {
	case "lessons":
		return cmdLessons(args[1:], stdout)
	case "run":
		return cmdRun(args[1:], stdout)
	case "hunt":
		return cmdHunt(args[1:], stdout)
	case "check":
		return cmdCheck(args[1:], stdout)
	case "node":
		return cmdNode(args[1:], stdout)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usageText)
		return exitOK, nil
	}
	return exitUsage, usagef("unknown command %q (commands: lessons, run, hunt, check; run faultline help)", args[0])
}

const usageText = `faultline — learn how distributed databases break, and how Jepsen-style testing catches them.

Usage:
  faultline                      open the workbench (lesson picker)
  faultline --lesson ID [--seed N] [--variant NAME]
                                 open the workbench straight into a lesson
  faultline lessons [--json]     list lessons: id, title, toy database, model
  faultline run --lesson ID [--variant NAME] [--seed N] [--scenario FILE]
                [--nemesis LIST] [--nodes N] [--clients N] [--ops N]
                [--out FILE.jsonl|FILE.edn] [--out-scenario FILE] [--html FILE] [--json]
  faultline hunt --lesson ID [--variant NAME] [--seeds A-B] [--json]
                                 run many seeds; report which ones expose a failure
  faultline check FILE [--model M] [--init V] [--format auto|jsonl|edn|jepsen-etcd-log|kv-log]
                [--timeout D] [--html FILE] [--json]

Exit status: 0 linearizable (hunt: no failing seed), 1 not linearizable (hunt: a failing
seed found), 2 usage or input error, 3 unknown (the checker ran out of time).

Examples:
  faultline run --lesson stale-replica-reads --seed 42
  faultline run --lesson stale-replica-reads --seed 42 --variant fixed --out run.jsonl
  faultline hunt --lesson stale-replica-reads --seeds 1-200
  faultline check run.jsonl --model register
`
