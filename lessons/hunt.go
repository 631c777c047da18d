package lessons

import (
	"context"
	"runtime"
	"sort"
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

// Hunt runs the lesson on every seed in [from, to] with the other options
// as given, checks each history, and reports the failing seeds in order.
// Seeds run in parallel on workers goroutines (0: one per CPU); each run
// stays deterministic. checkTimeout bounds each check (0: the checker's).
func Hunt(ctx context.Context, l *Lesson, o Options, from, to uint64, workers int, checkTimeout time.Duration) HuntResult {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	seeds := make(chan uint64)
	var mu sync.Mutex
	res := HuntResult{Errors: map[uint64]error{}}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range seeds {
				v, err := huntOne(ctx, l, o, seed, checkTimeout)
				mu.Lock()
				res.Tried++
				switch {
				case err != nil:
					res.Errors[seed] = err
				case v == checker.NotLinearizable:
					res.Failing = append(res.Failing, seed)
				case v == checker.Unknown:
					res.Unknown = append(res.Unknown, seed)
				}
				mu.Unlock()
			}
		}()
	}
	for seed := from; seed <= to && ctx.Err() == nil; seed++ {
		seeds <- seed
		if seed == to { // to may be the largest uint64
			break
		}
	}
	close(seeds)
	wg.Wait()
	sort.Slice(res.Failing, func(i, j int) bool { return res.Failing[i] < res.Failing[j] })
	sort.Slice(res.Unknown, func(i, j int) bool { return res.Unknown[i] < res.Unknown[j] })
	return res
}

func huntOne(ctx context.Context, l *Lesson, o Options, seed uint64, timeout time.Duration) (checker.Verdict, error) {
	o.Seed, o.Trace = seed, false
	sc, err := l.Scenario(o)
	if err != nil {
		return "", err
	}
	s, _, err := Run(sc)
	if err != nil {
		return "", err
	}
	// Only the verdict is kept: skip the witness search, which can cost far more.
	r, err := l.Check(ctx, s.History(), checker.Options{Timeout: timeout, VerdictOnly: true})
	if err != nil {
		return "", err
	}
	return r.Verdict, nil
}
