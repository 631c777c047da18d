package main

import (
	"flag"
	"fmt"
	"io"
)

// newFlags makes a flag set whose errors come back to us, not os.Exit.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseInterspersed parses flags that may come before or after positional
// arguments (faultline check FILE --model register) and returns the
// positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, usagef("%s: see faultline help", fs.Name())
			}
			return nil, usagef("%s: %s (see faultline help)", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// setFlags reports which flags were given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

func noPositional(cmd string, pos []string) error {
	if len(pos) > 0 {
		return usagef("%s: unexpected argument %q", cmd, pos[0])
	}
	return nil
}

// parseSeeds reads A-B (or a single seed N).
func parseSeeds(s string) (uint64, uint64, error) {
	var a, b uint64
	if n, err := fmt.Sscanf(s, "%d-%d", &a, &b); err == nil && n == 2 {
		if b < a {
			return 0, 0, usagef("--seeds %q: the range ends before it starts", s)
		}
		return a, b, nil
	}
	if n, err := fmt.Sscanf(s, "%d", &a); err == nil && n == 1 && fmt.Sprint(a) == s {
		return a, a, nil
	}
	return 0, 0, usagef("--seeds %q: want A-B, like 1-200", s)
}
