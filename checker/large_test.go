package checker

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/history"
)

// Large histories: the time limit bounds every phase of a check, and
// pruning stays near-linear.

// bigRegisterHistory is n operations of procs processes on a correct
// register whose values come from a small domain (so that many writes
// share a value, which made the old pruning quadratic), one in infoEvery
// completing with info; with stale, it begins with a write of -1 and
// ends with a read of -1, overwritten long before.
func bigRegisterHistory(seed uint64, n, procs, values, infoEvery int, stale bool) history.History {
	r := rand.New(rand.NewPCG(seed, 11))
	type flight struct {
		f       string
		v       any
		applied bool
	}
	var state any
	var h history.History
	inflight := map[int]*flight{}
	invoked := 0
	add := func(p int, t history.Type, f *flight, v any) {
		h = append(h, history.Op{Index: int64(len(h)), Time: int64(len(h)) * 1000, Process: history.Process(p), Type: t, F: f.f, Value: v})
	}
	next := procs + 1 // fresh process ids after an info, as Jepsen's
	procOf := make([]int, procs)
	for i := range procOf {
		procOf[i] = i
	}
	if stale {
		w := &flight{f: "write", v: int64(-1)}
		add(next, history.Invoke, w, w.v)
		add(next, history.OK, w, w.v)
		next++
	}
	for invoked < n || len(inflight) > 0 {
		slot := r.IntN(procs)
		fl := inflight[slot]
		switch {
		case fl == nil && invoked < n:
			fl = &flight{f: "read"}
			if r.IntN(2) == 0 {
				fl.f, fl.v = "write", int64(r.IntN(values))
			}
			inflight[slot] = fl
			invoked++
			add(procOf[slot], history.Invoke, fl, fl.v)
		case fl == nil:
		case !fl.applied:
			fl.applied = true
			if fl.f == "write" {
				state = fl.v
			} else {
				fl.v = state
			}
		default:
			delete(inflight, slot)
			if r.IntN(infoEvery) == 0 {
				add(procOf[slot], history.Info, fl, nil)
				procOf[slot] = next
				next++
				continue
			}
			add(procOf[slot], history.OK, fl, fl.v)
		}
	}
	if stale {
		p := history.Process(next)
		h = append(h, history.Op{Index: int64(len(h)), Process: p, Type: history.Invoke, F: "read"},
			history.Op{Index: int64(len(h) + 1), Process: p, Type: history.OK, F: "read", Value: int64(-1)})
	}
	return h
}

// TestTimeLimitBoundsEveryPhase runs checks whose time limit runs out in
// each phase in turn, and asserts that the phase stopped and said so. (No
// timing is asserted: the limit is forced to pass where the test needs it.)
func TestTimeLimitBoundsEveryPhase(t *testing.T) {
	t.Parallel()
	h := bigRegisterHistory(1, sweep(5_000, 20_000, 200_000), 8, 5, 20, true)

	// The verdict search: a limit far too short for it.
	res := mustCheck(t, h, Options{Model: ModelRegister, Timeout: time.Millisecond})
	if res.Verdict != Unknown || !strings.Contains(res.Reason, "time limit") {
		t.Errorf("1ms limit: %s, reason %q; want unknown, the time limit", res.Verdict, res.Reason)
	}

	// The witness search: the verdict is found, then the deadline passes.
	// Under -short (the race run) a third of the size: every phase is
	// reached and asserted the same, and the search and the re-check of
	// the witness, each over the whole history, cost 2 s apiece under -race.
	small := bigRegisterHistory(2, sweep(1000, 3000, 3000), 6, 1000, 50, true)
	ctx := newManualDeadline()
	res, err := Check(ctx, small, Options{Model: ModelRegister, WitnessSteps: 1 << 40,
		Progress: func(done, total int) {
			if done == total-1 {
				ctx.pass() // the verdict is in
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != NotLinearizable || res.Anomaly != AnomalyUnexplained || res.WitnessMinimal || !strings.Contains(res.Reason, "witness search") {
		t.Errorf("deadline during the witness search: %s %q minimal=%v reason %q", res.Verdict, res.Anomaly, res.WitnessMinimal, res.Reason)
	}
	if res.Prefix != -1 || res.Failing != nil && !containsRecord(res.Witness, *res.Failing) {
		t.Errorf("prefix %d, failing %v: after a time-out, only what was proved", res.Prefix, res.Failing)
	}
	if !strings.Contains(res.Explanation, "not linearizable") || strings.Contains(res.Explanation, "stale") {
		t.Errorf("after a time-out the explanation must state only what was proved: %s", res.Explanation)
	}
	if text := strings.Join(strings.Fields(FormatText(res)), " "); strings.Contains(text, "linearize;") || !strings.Contains(text, "was not determined") {
		t.Errorf("after a time-out the text claims a prefix it did not prove:\n%s", text)
	}
	if again := mustCheck(t, res.Witness, Options{Model: ModelRegister, Timeout: time.Minute, VerdictOnly: true}); again.Verdict != NotLinearizable {
		t.Errorf("the unfinished witness is %s: it must still be a proof", again.Verdict)
	}

	// The page: its search gets what is left of the deadline, here none.
	var page bytes.Buffer
	err = WriteHTML(ctx, &page, small, res, Options{Model: ModelRegister})
	if !errors.Is(err, ErrHTMLUnfinished) || page.Len() != 0 {
		t.Errorf("page with no time left: %v, %d bytes written; want ErrHTMLUnfinished and nothing", err, page.Len())
	}
}

func containsRecord(h history.History, o history.Op) bool {
	for _, r := range h {
		if r.Index == o.Index && r.Process == o.Process && r.Type == o.Type {
			return true
		}
	}
	return false
}

// manualDeadline is a context whose deadline passes when the test says.
type manualDeadline struct {
	context.Context
	done chan struct{}
}

func newManualDeadline() *manualDeadline {
	return &manualDeadline{Context: context.Background(), done: make(chan struct{})}
}

func (m *manualDeadline) pass() {
	select {
	case <-m.done:
	default:
		close(m.done)
	}
}

func (m *manualDeadline) Deadline() (time.Time, bool) { return time.Now().Add(time.Hour), true }
func (m *manualDeadline) Done() <-chan struct{}       { return m.done }
func (m *manualDeadline) Err() error {
	select {
	case <-m.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}
