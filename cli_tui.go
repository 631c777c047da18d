package main

import (
	"context"
	"io"
	"strings"

	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/tui"
)

// tuiCmd opens the workbench: the lesson picker, or a lesson straight away
// with --lesson ID [--seed N] [--variant NAME].
var tuiCmd = &command{
	summary: "open the workbench: the lesson picker, or straight into a lesson",
	define: func(fs *flagSet) action {
		var l *lessons.Lesson
		var variant string
		var seed uint64
		fs.lessonFlag(&l, "open this lesson (see go run . lessons)")
		fs.variantFlag(&variant, "the variant to run: the buggy design, fixed, ... (see go run . lessons)")
		fs.seedFlag(&seed, "the lesson's")
		return func(ctx context.Context, pos []string, stdout io.Writer) (int, error) {
			if len(pos) > 0 {
				return exitUsage, usagef("unexpected argument %s (commands: %s; see go run . help)", clipArg(pos[0]), strings.Join(commandNames(), ", "))
			}
			o := tui.Options{Variant: variant, Seed: seed, SeedSet: fs.isSet("seed")}
			if l == nil {
				if fs.isSet("variant") || fs.isSet("seed") {
					return exitUsage, usagef("--variant and --seed need --lesson ID (see go run . lessons)")
				}
			} else {
				if err := checkVariant(fs.cmd, l, variant); err != nil {
					return exitUsage, err
				}
				o.Lesson = l.ID
			}
			if err := tui.Run(o); err != nil {
				return exitUsage, err
			}
			return exitOK, nil
		}
	},
}
