package lessons

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/faultline-lab/faultline/checker"
)

// HuntResult says which seeds of a range exposed a failure.
type HuntResult struct {
	Tried   int
	Failing []uint64 // not linearizable
	Unknown []uint64 // the checker ran out of time
	Errors  map[uint64]error
}

// HuntOptions tune a hunt.
type HuntOptions struct {
	Workers      int           // seeds run at once (0: one per CPU)
	CheckTimeout time.Duration // bounds each check (0: the checker's default)
	// StopAtFirst stops handing out seeds once one fails. Every seed below
	// the first failing one is still tried, so Failing[0] is the first
	// failing seed of the range, as a full hunt would find it.
	StopAtFirst bool
}

// Hunt runs the lesson on every seed in [from, to] with the other options
// as given, checks each history, and reports the failing seeds in order.
// Seeds run in parallel on workers goroutines (0: one per CPU); each run
// stays deterministic. checkTimeout bounds each check (0: the checker's).
func Hunt(ctx context.Context, l *Lesson, o Options, from, to uint64, workers int, checkTimeout time.Duration) HuntResult {
	return HuntWith(ctx, l, o, from, to, HuntOptions{Workers: workers, CheckTimeout: checkTimeout})
}

// HuntWith is Hunt with every knob.
func HuntWith(ctx context.Context, l *Lesson, o Options, from, to uint64, ho HuntOptions) HuntResult {
	workers := ho.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	seeds := make(chan uint64)
	var mu sync.Mutex
	res := HuntResult{Errors: map[uint64]error{}}
	found := false
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range seeds {
				v, err := huntOne(ctx, l, o, seed, ho.CheckTimeout)
				if errors.Is(err, errHuntStopped) {
					continue // cut short: not tried
				}
				mu.Lock()
				res.Tried++
				switch {
				case err != nil:
					res.Errors[seed] = err
				case v == checker.NotLinearizable:
					res.Failing = append(res.Failing, seed)
					found = true
				case v == checker.Unknown:
					res.Unknown = append(res.Unknown, seed)
				}
				mu.Unlock()
			}
		}()
	}
	for seed := from; seed <= to && ctx.Err() == nil; seed++ {
		mu.Lock()
		stop := ho.StopAtFirst && found
		mu.Unlock()
		if stop {
			break
		}
		select {
		case seeds <- seed:
		case <-ctx.Done():
		}
		if seed == to { // to may be the largest uint64
			break
		}
	}
	close(seeds)
	wg.Wait()
	slices.Sort(res.Failing)
	slices.Sort(res.Unknown)
	return res
}

// errHuntStopped is a seed cut short by the hunt's context: not tried.
var errHuntStopped = errors.New("hunt stopped")

func huntOne(ctx context.Context, l *Lesson, o Options, seed uint64, timeout time.Duration) (checker.Verdict, error) {
	o.Seed, o.Trace = seed, false
	sc, err := l.Scenario(o)
	if err != nil {
		return "", err
	}
	s, _, err := Start(sc)
	if err != nil {
		return "", err
	}
	// The run looks at ctx as it goes, so that a hunt stops promptly at
	// its deadline or on Ctrl-C, not when the seeds in flight finish.
	for i := 1; s.Step(); i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return "", errHuntStopped
		}
	}
	if err := s.Err(); err != nil {
		return "", err
	}
	// Only the verdict is kept: skip the witness search, which can cost far more.
	r, err := l.Check(ctx, s.History(), checker.Options{Timeout: timeout, VerdictOnly: true})
	switch {
	case err != nil:
		return "", err
	case r.Verdict == checker.Unknown && ctx.Err() != nil:
		return "", errHuntStopped // the hunt's time, not the seed's check, ran out
	}
	return r.Verdict, nil
}
