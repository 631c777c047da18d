package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/lessons"
)

type huntJSON struct {
	Verdict      string   `json:"verdict"`
	Lesson       string   `json:"lesson"`
	Variant      string   `json:"variant"`
	SeedsTried   int      `json:"seeds_tried"`
	FailingSeeds []uint64 `json:"failing_seeds"`
	UnknownSeeds []uint64 `json:"unknown_seeds"`
	TimedOut     bool     `json:"timed_out"`
}

// huntGrace is how long a hunt may take, after its deadline, to stop the
// seeds in flight (runs and checks look at the deadline as they go: this
// is a safety net).
const huntGrace = 2 * time.Second

var huntCmd = &command{
	name:    "hunt",
	summary: "run many seeds of a lesson; report which ones expose a failure",
	about: `Run a lesson on every seed of a range, check each history, and list the seeds whose
history is not linearizable: each one replays with go run . run --seed N. --timeout bounds
the whole hunt; seeds not reached in time are not counted as tried.`,
	define: func(fs *flagSet) action {
		var l *lessons.Lesson
		var o lessons.Options
		seeds := seedRange{1, 100}
		var ho lessons.HuntOptions
		var asJSON bool
		fs.lessonFlag(&l, "the lesson to hunt in (see go run . lessons)")
		fs.variantFlag(&o.Variant, "the variant to run: the buggy design, fixed, ... (see go run . lessons)")
		fs.seedsFlag(&seeds, "1-100")
		fs.nemesisFlag(&o.Nemesis)
		fs.mixFlags(&o.Mix, &o.Density)
		fs.nodesFlag(&o.Nodes)
		fs.clientsFlag(&o.Clients)
		fs.opsFlag(&o.Ops)
		fs.workersFlag(&ho.Workers)
		fs.boolean(&ho.StopAtFirst, "first", "stop at the first failing seed (every seed below it is still tried)")
		fs.timeoutFlag(5 * time.Minute)
		fs.jsonFlag(&asJSON)
		return func(ctx context.Context, pos []string, stdout io.Writer) (int, error) {
			if err := noPositional(fs.cmd, pos); err != nil {
				return exitUsage, err
			}
			if l == nil {
				return exitUsage, usagef("hunt: --lesson is required (see go run . lessons)")
			}
			if err := checkNemesis(fs); err != nil {
				return exitUsage, err
			}
			if err := checkVariant(fs.cmd, l, o.Variant); err != nil {
				return exitUsage, err
			}
			if _, err := l.Scenario(o); err != nil {
				return exitUsage, usagef("hunt: %v", err)
			}
			if o.Variant == "" {
				o.Variant = l.DefaultVariant()
			}
			ho.CheckTimeout = min(checker.DefaultTimeout, *fs.timeout)
			res, finished := huntBounded(ctx, l, o, seeds, ho)
			if len(res.Errors) > 0 {
				return exitUsage, huntError(res)
			}
			timedOut := !finished || ctx.Err() != nil
			code, verdict := exitOK, checker.Linearizable
			switch {
			case len(res.Failing) > 0:
				code, verdict = exitFailed, checker.NotLinearizable
			case len(res.Unknown) > 0 || timedOut:
				code, verdict = exitUnknown, checker.Unknown
			}
			if asJSON {
				return code, printJSON(stdout, huntJSON{Verdict: verdictWord(l, verdict), Lesson: l.ID, Variant: o.Variant, SeedsTried: res.Tried,
					FailingSeeds: nonNil(res.Failing), UnknownSeeds: nonNil(res.Unknown), TimedOut: timedOut})
			}
			fmt.Fprintf(stdout, "lesson %s, variant %s: %d of %d seeds tried (%d–%d)\n", l.ID, o.Variant, res.Tried, seeds.count(), seeds.from, seeds.to)
			if ho.StopAtFirst && len(res.Failing) > 0 {
				fmt.Fprintf(stdout, "stopped at the first failing seed, %d (--first): every seed below it was tried\n", res.Failing[0])
			}
			if timedOut {
				fmt.Fprintf(stdout, "ran out of time (--timeout %s) before every seed was tried\n", *fs.timeout)
			}
			failing, allPassed := huntWords(l)
			switch {
			case len(res.Failing) > 0:
				fmt.Fprintf(stdout, "%d seeds %s: %s\n", len(res.Failing), failing, seedList(res.Failing, 30))
				fmt.Fprintf(stdout, "see one:  go run . run --lesson %s --variant %s --seed %d\n", l.ID, o.Variant, res.Failing[0])
			case !timedOut && len(res.Unknown) == 0:
				fmt.Fprintln(stdout, "no failing seed: "+allPassed)
			default:
				fmt.Fprintln(stdout, "no failing seed among those decided")
			}
			if len(res.Unknown) > 0 {
				fmt.Fprintf(stdout, "%d seeds unknown (the checker ran out of time): %s\n", len(res.Unknown), seedList(res.Unknown, 30))
			}
			return code, nil
		}
	},
}

// huntBounded runs the hunt, waiting at most huntGrace past ctx's deadline
// for the seeds in flight; finished is false when it stopped waiting.
func huntBounded(ctx context.Context, l *lessons.Lesson, o lessons.Options, seeds seedRange, ho lessons.HuntOptions) (lessons.HuntResult, bool) {
	done := make(chan lessons.HuntResult, 1)
	go func() { done <- lessons.HuntWith(ctx, l, o, seeds.from, seeds.to, ho) }()
	select {
	case res := <-done:
		return res, true
	case <-ctx.Done():
	}
	select {
	case res := <-done:
		return res, true
	case <-time.After(huntGrace):
		return lessons.HuntResult{}, false
	}
}

func huntError(res lessons.HuntResult) error {
	seeds := make([]uint64, 0, len(res.Errors))
	for s := range res.Errors {
		seeds = append(seeds, s)
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
	return fmt.Errorf("hunt: seed %d: %v (%d seeds failed to run)", seeds[0], res.Errors[seeds[0]], len(seeds))
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
