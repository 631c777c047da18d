package checker

import (
	"context"
	"os"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/internal/testkit"
)

func TestMain(m *testing.M) {
	testkit.LessGC()
	os.Exit(m.Run())
}

// sweep is how many cases a randomized or large test tries: short under
// -short (the race run, which needs the search's goroutines, not the
// count), normal in the normal suite, long with FAULTLINE_LONG=1
// (testkit.Sweep).
var sweep = testkit.Sweep[int]

// inSample reports whether the i-th history of a corpus is checked: every
// one normally, and under -short (the race run, which wants each kind of
// search, not every history) every fourth, and any that keep asks for.
func inSample(i int, keep bool) bool { return !testing.Short() || keep || i%4 == 0 }

// Record constructors for hand-written histories.
func inv(p int, f string, v any) history.Op {
	return history.Op{Process: history.Process(p), Type: history.Invoke, F: f, Value: norm(v)}
}
func ok(p int, f string, v any) history.Op {
	return history.Op{Process: history.Process(p), Type: history.OK, F: f, Value: norm(v)}
}
func fail(p int, f string, v any) history.Op {
	return history.Op{Process: history.Process(p), Type: history.Fail, F: f, Value: norm(v)}
}
func info(p int, f string, v any) history.Op {
	return history.Op{Process: history.Process(p), Type: history.Info, F: f, Value: norm(v)}
}
func keyed(k string, o history.Op) history.Op { o.Key = k; return o }

func norm(v any) any {
	n, err := history.Normalize(v)
	if err != nil {
		panic(err)
	}
	return n
}

// hist numbers the records and gives them times.
func hist(recs ...history.Op) history.History {
	h := history.History(recs)
	for i := range h {
		h[i].Index = int64(i)
		h[i].Time = int64(i+1) * 1000
	}
	return h
}

func mustCheck(t testing.TB, h history.History, opts Options) Result {
	t.Helper()
	res, err := Check(context.Background(), h, opts)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return res
}
