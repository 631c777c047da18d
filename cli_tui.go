package main

import (
	"errors"
	"io"

	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/tui"
)

// cmdTUI opens the workbench: the lesson picker, or a lesson straight away
// with --lesson ID [--seed N] [--variant NAME].
func cmdTUI(args []string, stdout io.Writer) (int, error) {
	fs := newFlags("faultline")
	lesson := fs.String("lesson", "", "open this lesson")
	variant := fs.String("variant", "", "variant")
	seed := fs.Uint64("seed", 0, "seed")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if err := noPositional("faultline", pos); err != nil {
		return exitUsage, err
	}
	set := setFlags(fs)
	if (set["variant"] || set["seed"]) && *lesson == "" {
		return exitUsage, usagef("--variant and --seed need --lesson ID (see faultline lessons)")
	}
	if *lesson != "" {
		l, err := lessons.Get(*lesson)
		if err != nil {
			return exitUsage, usagef("%v", err)
		}
		if _, err := l.Design.Factory(*variant); err != nil {
			return exitUsage, usagef("lesson %s: %v", l.ID, err)
		}
	}
	err = tui.Run(tui.Options{Lesson: *lesson, Variant: *variant, Seed: *seed, SeedSet: set["seed"]})
	if errors.Is(err, tui.ErrNotTerminal) {
		return exitUsage, err
	}
	if err != nil {
		return exitUsage, err
	}
	return exitOK, nil
}
