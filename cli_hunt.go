package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

type huntJSON struct {
	Verdict      string   `json:"verdict"`
	Lesson       string   `json:"lesson"`
	Variant      string   `json:"variant"`
	SeedsTried   int      `json:"seeds_tried"`
	FailingSeeds []uint64 `json:"failing_seeds"`
	UnknownSeeds []uint64 `json:"unknown_seeds"`
}

func cmdHunt(args []string, stdout io.Writer) (int, error) {
	fs := newFlags("hunt")
	lesson := fs.String("lesson", "", "lesson id")
	variant := fs.String("variant", "", "variant")
	seeds := fs.String("seeds", "1-100", "seed range A-B")
	nemesis := fs.String("nemesis", "", "faults: comma-separated, all, or none")
	mix := fs.String("mix", "overlap", "how --nemesis faults combine: overlap or cycle")
	density := fs.Float64("density", sim.DefaultDensity, "overlap: the fraction of time each fault is in force")
	ops := fs.Int("ops", 0, "operations per run")
	timeout := fs.Duration("timeout", 10*time.Second, "checker time limit per seed")
	workers := fs.Int("workers", 0, "seeds checked at once (default: one per CPU)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return exitUsage, err
	}
	if err := noPositional("hunt", pos); err != nil {
		return exitUsage, err
	}
	if *lesson == "" {
		return exitUsage, usagef("hunt: --lesson is required (see faultline lessons)")
	}
	l, err := lessons.Get(*lesson)
	if err != nil {
		return exitUsage, usagef("hunt: %v", err)
	}
	from, to, err := parseSeeds(*seeds)
	if err != nil {
		return exitUsage, err
	}
	if to-from >= 1_000_000 {
		return exitUsage, usagef("hunt: --seeds %s: at most 1000000 seeds at once", *seeds)
	}
	o := lessons.Options{Variant: *variant, Ops: *ops}
	if err := nemesisFlags(&o, "hunt", setFlags(fs), *nemesis, *mix, *density); err != nil {
		return exitUsage, err
	}
	if _, err := l.Scenario(o); err != nil {
		return exitUsage, usagef("hunt: %v", err)
	}
	if o.Variant == "" {
		o.Variant = l.DefaultVariant()
	}
	res := lessons.Hunt(context.Background(), l, o, from, to, *workers, *timeout)
	if len(res.Errors) > 0 {
		seeds := make([]uint64, 0, len(res.Errors))
		for s := range res.Errors {
			seeds = append(seeds, s)
		}
		sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
		return exitUsage, fmt.Errorf("hunt: seed %d: %v (%d seeds failed to run)", seeds[0], res.Errors[seeds[0]], len(seeds))
	}
	code := exitOK
	verdict := "linearizable"
	switch {
	case len(res.Failing) > 0:
		code, verdict = exitFailed, "not-linearizable"
	case len(res.Unknown) > 0:
		code, verdict = exitUnknown, "unknown"
	}
	if *asJSON {
		return code, printJSON(stdout, huntJSON{Verdict: verdict, Lesson: l.ID, Variant: o.Variant, SeedsTried: res.Tried,
			FailingSeeds: nonNil(res.Failing), UnknownSeeds: nonNil(res.Unknown)})
	}
	fmt.Fprintf(stdout, "lesson %s, variant %s: %d seeds tried (%d–%d)\n", l.ID, o.Variant, res.Tried, from, to)
	switch {
	case len(res.Failing) > 0:
		fmt.Fprintf(stdout, "%d seeds not linearizable: %s\n", len(res.Failing), seedList(res.Failing, 30))
		fmt.Fprintf(stdout, "see one:  faultline run --lesson %s --variant %s --seed %d\n", l.ID, o.Variant, res.Failing[0])
	default:
		fmt.Fprintln(stdout, "no failing seed: every history was linearizable")
	}
	if len(res.Unknown) > 0 {
		fmt.Fprintf(stdout, "%d seeds unknown (the checker ran out of time): %s\n", len(res.Unknown), seedList(res.Unknown, 30))
	}
	return code, nil
}

func nonNil(s []uint64) []uint64 {
	if s == nil {
		return []uint64{}
	}
	return s
}

func seedList(s []uint64, most int) string {
	out := ""
	for i, x := range s {
		if i == most {
			return out + fmt.Sprintf(" … (%d more)", len(s)-most)
		}
		if i > 0 {
			out += " "
		}
		out += fmt.Sprint(x)
	}
	return out
}
