package lessons

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/internal/testkit"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

// The helpers below serve every lesson's tests and the catalogue-wide
// ones (the lesson kit, the torture harness).
//
// The suite comes in three sizes (docs/DESIGN.md, "Tests"):
//   - the normal suite, `go test ./...`: a representative sample of every
//     sweep (a few dozen seeds a variant) and every pinned seed;
//   - long, FAULTLINE_LONG=1: the whole sweeps, 1,000 seeds a correct
//     variant, 200 a buggy one;
//   - -short, which .ci/run gives the race detector: the least that drives
//     the hunts' goroutines and runs lessons side by side, since the plain
//     run makes the sweeps; under -race -short only the tests with
//     goroutines run (withGoroutines).

// TestMain lets the collector run less often: the tests run thousands of
// short simulations, which allocate fast over a small live heap, and at
// the default GOGC of 100 collecting took 40% of the package's CPU. 400
// costs a few tens of megabytes. A soft limit of 1 GiB brings collections
// back when a check grows towards the checker's memory cap, which it
// reads from the heap as the last collection left it. GOGC or GOMEMLIMIT
// in the environment win.
//
// Under -race -short (the race run of .ci/run), unless -run says
// otherwise, only the tests with goroutines run (withGoroutines): the
// others replay one seed at a time on the test's goroutine, where the race
// detector has nothing to find.
func TestMain(m *testing.M) {
	testkit.LessGC()
	testkit.RaceShortRuns(withGoroutines)
	os.Exit(m.Run())
}

// withGoroutines names the tests that run goroutines: the kit's hunts,
// which run every variant's design on every CPU at once and every lesson
// side by side, and the torture, whose subtests run every correct variant
// side by side under every nemesis it tolerates.
const withGoroutines = `^Test(KitEvery(BuggyVariantIsCaught|CorrectVariantPasses)|Torture)`

// long and sweep size the long runs and the seed sweeps
// (testkit.Long, testkit.Sweep).
var long, sweep = testkit.Long, testkit.Sweep[uint64]

// correctSeeds is how many seeds a correct variant must pass: 1,000 in
// long mode, 10 normally (the torture adds its own), 5 under -short.
func correctSeeds() uint64 { return sweep(5, 10, 1000) }

// buggySample is the buggy variants of l a test of every failing run
// tries: all of them, or under -short the first.
func buggySample(l *Lesson) []string {
	if testing.Short() {
		return l.Buggy()[:min(1, len(l.Buggy()))]
	}
	return l.Buggy()
}

// hunts shares hunts between tests: the lesson kit and a lesson's own
// tests ask for the same seeds of the same variant, and each is run once.
var hunts sync.Map // huntKey → *huntEntry

type huntKey struct {
	id, options string
	to          uint64
	first       bool
}

type huntEntry struct {
	done chan struct{} // closed once r is in
	r    HuntResult
}

// hunt runs (once per test binary) seeds 1..to of a lesson with options o,
// all of them or, first, until the first failing seed.
func hunt(tb testing.TB, id string, o Options, to uint64, first bool) HuntResult {
	tb.Helper()
	l, err := Get(id)
	if err != nil {
		tb.Fatal(err)
	}
	if o.Variant == "" {
		o.Variant = l.DefaultVariant()
	}
	key := huntKey{id: id, options: fmt.Sprintf("%+v", o), to: to}
	if first {
		// A whole hunt of the same seeds, if one was started, answers too.
		if r, ok := huntRun(id, o, to); ok {
			return r
		}
		key.first = true
	}
	v, loaded := hunts.LoadOrStore(key, &huntEntry{done: make(chan struct{})})
	e := v.(*huntEntry)
	if loaded {
		<-e.done
		return e.r
	}
	defer close(e.done)
	e.r = HuntWith(context.Background(), l, o, 1, to, HuntOptions{StopAtFirst: first})
	return e.r
}

// huntSeeds hunts seeds 1..to and fails on any run error or checker
// timeout: a hunt that cannot decide proves nothing.
func huntSeeds(tb testing.TB, id string, o Options, to uint64) HuntResult {
	tb.Helper()
	return decided(tb, id, o, hunt(tb, id, o, to, false))
}

func decided(tb testing.TB, id string, o Options, r HuntResult) HuntResult {
	tb.Helper()
	for seed, err := range r.Errors {
		tb.Fatalf("%s/%s seed %d: %v", id, o.Variant, seed, err)
	}
	if len(r.Unknown) > 0 {
		tb.Fatalf("%s/%s: the checker timed out on seeds %v", id, o.Variant, r.Unknown)
	}
	return r
}

// firstFailing is the first of seeds 1–200 on which a variant fails; the
// test fails if there is none (a lesson must show its bug).
func firstFailing(tb testing.TB, id, variant string) uint64 {
	tb.Helper()
	return firstFailingWith(tb, id, Options{Variant: variant}, 200)
}

// firstFailingWith is the first of seeds 1..to on which the lesson with
// options o fails; the test fails if there is none.
func firstFailingWith(tb testing.TB, id string, o Options, to uint64) uint64 {
	tb.Helper()
	r := decided(tb, id, o, hunt(tb, id, o, to, true))
	if len(r.Failing) == 0 {
		tb.Fatalf("%s/%s: no failing seed in 1–%d", id, o.Variant, to)
	}
	return r.Failing[0]
}

// failingSeeds is the first n failing seeds of 1–200 (fewer when fewer
// fail): the first failing seed when n is 1 (the kit hunts it), from a
// whole hunt of seeds 1..to if a test ran one that found n, else hunted
// ten seeds at a time.
func failingSeeds(tb testing.TB, id, variant string, n int) []uint64 {
	tb.Helper()
	if n == 1 {
		return []uint64{firstFailing(tb, id, variant)}
	}
	o := Options{Variant: variant}
	for _, to := range []uint64{200, failSweep()} {
		if r, ok := huntRun(id, o, to); ok && (to == 200 || len(r.Failing) >= n) {
			return decided(tb, id, o, r).Failing[:min(n, len(r.Failing))]
		}
	}
	l, err := Get(id)
	if err != nil {
		tb.Fatal(err)
	}
	var out []uint64
	for from := uint64(1); from <= 200 && len(out) < n; from += 10 {
		r := decided(tb, id, o, HuntWith(context.Background(), l, o, from, from+9, HuntOptions{}))
		out = append(out, r.Failing...)
	}
	return out[:min(n, len(out))]
}

// huntRun is the whole hunt of seeds 1..to another test started, if any.
func huntRun(id string, o Options, to uint64) (HuntResult, bool) {
	l, err := Get(id)
	if err != nil {
		return HuntResult{}, false
	}
	if o.Variant == "" {
		o.Variant = l.DefaultVariant()
	}
	e, ok := hunts.Load(huntKey{id: id, options: fmt.Sprintf("%+v", o), to: to})
	if !ok {
		return HuntResult{}, false
	}
	<-e.(*huntEntry).done
	return e.(*huntEntry).r, true
}

// failSweep is how many seeds assertFails tries: 200 in long mode, 20
// normally.
func failSweep() uint64 { return sweep(20, 20, 200) }

// assertFails asserts that a variant ("" for the default) fails on at
// least least of seeds 1–200 — a lesson must show its bug reliably — and
// returns the failing seeds (only the first when least is 1). Only long
// mode tries all 200; normally it tries seeds 1–20 (failSweep) and asks for the same
// share of them, and under -short only for the first failing seed.
func assertFails(t *testing.T, id, variant string, least int) []uint64 {
	t.Helper()
	if least <= 1 || testing.Short() {
		return []uint64{firstFailing(t, id, variant)}
	}
	to := failSweep()
	least = (least*int(to) + 199) / 200
	r := huntSeeds(t, id, Options{Variant: variant}, to)
	t.Logf("%s/%s: %d of %d seeds fail", id, variant, len(r.Failing), to)
	if len(r.Failing) < least {
		t.Fatalf("%s/%s: only %d of seeds 1–%d fail, want %d or more", id, variant, len(r.Failing), to, least)
	}
	return r.Failing
}

// assertPasses asserts that a correct variant passes every seed of its
// sweep (correctSeeds).
func assertPasses(t *testing.T, id, variant string) {
	t.Helper()
	to := correctSeeds()
	if r := huntSeeds(t, id, Options{Variant: variant}, to); len(r.Failing) > 0 {
		t.Fatalf("%s/%s fails on seeds %v of 1–%d", id, variant, r.Failing, to)
	}
}

// stories holds each lesson's narrated-story test: the test that holds
// every fact its text tells of a run to that run. Each lesson's test file
// registers its own; the kit fails a lesson without one.
var stories = map[string]func(*testing.T){}

// tellsStory registers a lesson's narrated-story test.
func tellsStory(id string, test func(*testing.T)) bool {
	stories[id] = test
	return true
}

// benchHunt1000 is faultline hunt --lesson id --variant variant --seeds 1-1000.
func benchHunt1000(b *testing.B, id, variant string) {
	l, err := Get(id)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		r := decided(b, id, Options{Variant: variant}, Hunt(context.Background(), l, Options{Variant: variant}, 1, 1000, 0, 0))
		b.ReportMetric(float64(len(r.Failing)), "failing-seeds")
	}
}

// runHistory runs l with o and returns the history.
func runHistory(tb testing.TB, l *Lesson, o Options) history.History {
	tb.Helper()
	sc, err := l.Scenario(o)
	if err != nil {
		tb.Fatal(err)
	}
	s, _, err := Run(sc)
	if err != nil {
		tb.Fatal(err)
	}
	return s.History()
}

// checkSeed runs a seed and checks its history fully.
func checkSeed(t *testing.T, l *Lesson, variant string, seed uint64, opts checker.Options) (history.History, checker.Result) {
	t.Helper()
	h := runHistory(t, l, Options{Variant: variant, Seed: seed})
	res, err := l.Check(context.Background(), h, opts)
	if err != nil {
		t.Fatal(err)
	}
	return h, res
}

// checkedRuns shares full checks between tests: the explanation, time
// limit and identifier tests read the same failing runs.
var checkedRuns sync.Map // "id/variant/seed" → *checkedEntry

type checkedEntry struct {
	once sync.Once
	h    history.History
	res  checker.Result
	err  error
}

// checkedRun is checkSeed with the checker's default options, run once per
// test binary. Its history and result are shared: read them, never change
// them.
func checkedRun(t *testing.T, l *Lesson, variant string, seed uint64) (history.History, checker.Result) {
	t.Helper()
	v, _ := checkedRuns.LoadOrStore(fmt.Sprintf("%s/%s/%d", l.ID, variant, seed), &checkedEntry{})
	e := v.(*checkedEntry)
	e.once.Do(func() {
		var sc sim.Scenario
		if sc, e.err = l.Scenario(Options{Variant: variant, Seed: seed}); e.err != nil {
			return
		}
		var s *sim.Sim
		if s, _, e.err = Run(sc); e.err != nil {
			return
		}
		e.h = s.History()
		e.res, e.err = l.Check(context.Background(), e.h, checker.Options{})
	})
	if e.err != nil {
		t.Fatalf("%s/%s seed %d: %v", l.ID, variant, seed, e.err)
	}
	return e.h, e.res
}

// tracedRun runs one seed of a lesson's variant with the trace on.
func tracedRun(t *testing.T, id, variant string, seed uint64) (*Lesson, *sim.Sim) {
	t.Helper()
	l, err := Get(id)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := l.Scenario(Options{Variant: variant, Seed: seed, Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Run(sc)
	if err != nil {
		t.Fatal(err)
	}
	return l, s
}

// runSeed reruns a seed with the trace on and checks it fully.
func runSeed(t *testing.T, id, variant string, seed uint64) (*sim.Sim, checker.Result) {
	t.Helper()
	l, s := tracedRun(t, id, variant, seed)
	res, err := l.Check(context.Background(), s.History(), checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

// runFailing is runSeed for a seed a hunt found failing: the full check
// must agree, with a witness and an explanation.
func runFailing(t *testing.T, id, variant string, seed uint64) (*sim.Sim, checker.Result) {
	t.Helper()
	s, res := runSeed(t, id, variant, seed)
	if res.Verdict != checker.NotLinearizable || len(res.Witness) == 0 || res.Explanation == "" {
		t.Fatalf("%s/%s seed %d: hunted as failing, but a rerun gives %s with %d witness records", id, variant, seed, res.Verdict, len(res.Witness))
	}
	return s, res
}

// Helpers the lessons' own tests share.

// lrTraced reports whether some trace line contains each of want, in order.
func lrTraced(t *testing.T, s *sim.Sim, want ...string) {
	t.Helper()
	i := 0
	for _, e := range s.Trace() {
		if i < len(want) && strings.Contains(e.String(), want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("the trace never shows %q (after %q)", want[i], want[:i])
	}
}

// lrPairs lists a history's completed operations.
func lrPairs(t *testing.T, h history.History) []history.Pair {
	t.Helper()
	pairs, err := h.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(pairs, func(p history.Pair) bool { return p.Completion == nil })
}

// clauseEnd splits a text where a clause ends: a full stop, colon or
// semicolon followed by a space or the end. Brackets hold record ranges,
// and a decimal point is not a full stop, so neither splits.
var clauseEnd = regexp.MustCompile(`[.:;](\s|$)`)

// danglingWords end no finished English clause: a clause that ends in one
// lost its object or its verb when a template was filled ("… the adds
// acknowledged before it began make").
var danglingWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "to": true,
	"by": true, "than": true, "that": true, "which": true, "with": true, "before": true,
	"after": true, "is": true, "are": true, "was": true, "were": true, "make": true,
	"makes": true, "its": true, "their": true,
}

// danglingClause returns the first clause of text that ends in a word no
// clause ends in, or "" when every clause is finished.
func danglingClause(text string) string {
	for _, clause := range clauseEnd.Split(text, -1) {
		words := strings.Fields(clause)
		if len(words) == 0 {
			continue
		}
		last := strings.ToLower(strings.Trim(words[len(words)-1], `,"'()—–`))
		if danglingWords[last] {
			return strings.TrimSpace(clause)
		}
	}
	return ""
}

// headlineTrue holds the text's headline to the history: the prefix it
// says linearizes ends just before the tip, the tip is the record at that
// position, and the failing operation's invocation lies inside the prefix,
// its completion (when it is the tip) at the tip.
func headlineTrue(h history.History, res checker.Result) error {
	if res.Tip == nil {
		return nil
	}
	if res.Prefix < 1 || res.Prefix >= len(h) || h[res.Prefix].Index != res.Tip.Index {
		return fmt.Errorf("prefix %d records, tip record %d: the tip is not the record after the prefix", res.Prefix, res.Tip.Index)
	}
	text := strings.Join(strings.Fields(checker.FormatText(res)), " ")
	if want := fmt.Sprintf("ecords 0 to %d linearize; record %d, where", res.Prefix-1, res.Tip.Index); !strings.Contains(text, want) {
		return fmt.Errorf("the headline lacks %q:\n%s", want, text)
	}
	if f := res.Failing; f != nil {
		if f.Index >= res.Tip.Index {
			return fmt.Errorf("the failing operation, invoked at record %d, is not inside the prefix of %d records", f.Index, res.Prefix)
		}
		if f.Process == res.Tip.Process && !strings.Contains(text, fmt.Sprintf("(invoked at record %d) returns", f.Index)) {
			return fmt.Errorf("the headline does not name the failing invocation, record %d:\n%s", f.Index, text)
		}
	}
	return nil
}

// l36OK lists a witness's operations that completed ok, as invocation and
// completion.
func l36OK(w history.History) []history.Pair {
	pairs, _ := w.Pairs()
	var out []history.Pair
	for _, p := range pairs {
		if p.Completion != nil && p.Completion.Type == history.OK {
			out = append(out, p)
		}
	}
	return out
}

// l36Fault finds the first applied fault of a kind.
func l36Fault(s *sim.Sim, kind sim.FaultKind) (sim.AppliedFault, bool) {
	for _, a := range s.Applied() {
		if a.Fault.Kind == kind {
			return a, true
		}
	}
	return sim.AppliedFault{}, false
}

// l36Brief renders a witness's operations as "p0 ok write 0 n2", one per
// operation, in invocation order; an operation that never completed ok is
// shown with its completion type (or "open").
func l36Brief(w history.History) []string {
	pairs, _ := w.Pairs()
	out := make([]string, 0, len(pairs))
	for _, p := range pairs {
		typ, v := "open", p.Invoke.Value
		if c := p.Completion; c != nil {
			typ = string(c.Type)
			if c.Type == history.OK {
				v = c.Value
			}
		}
		out = append(out, "p"+p.Invoke.Process.String()+" "+typ+" "+p.Invoke.F+" "+history.Format(v)+" "+p.Invoke.Node)
	}
	return out
}

// l36At checks that a whole history holds the operation a text names, as
// l36Brief renders it, invoked within 10 ms of the seconds the text gives.
func l36At(t *testing.T, h history.History, brief string, seconds float64) {
	t.Helper()
	pairs, _ := h.Pairs()
	for i, b := range l36Brief(h) {
		if d := float64(pairs[i].Invoke.Time)/1e9 - seconds; b == brief && d > -0.01 && d < 0.01 {
			return
		}
	}
	t.Errorf("the text names %q at %.2f s, which is not in the history", brief, seconds)
}

// learnerStrings is every string of a lesson a learner reads without
// running it: title, summary, text, prediction and quiz, what the text
// says per variant, and the variants' summaries.
func learnerStrings(l *Lesson) []string {
	t := l.Text
	out := []string{l.Title, l.Summary, t.Title, t.Summary, t.Body}
	for _, q := range append([]Question{t.Predict}, t.Quiz...) {
		out = append(out, q.Q, q.Why)
		out = append(out, q.Choices...)
	}
	for _, v := range l.Variants() {
		out = append(out, v.Summary, l.VerdictText(v.Name, true), l.VerdictText(v.Name, false))
	}
	return out
}

// tdBuggyFails asserts that the default variant fails within seeds 1–200
// and returns the first failing seed's history and verdict.
func tdBuggyFails(t *testing.T, id string) (history.History, checker.Result) {
	t.Helper()
	s, res := runFailing(t, id, "", assertFails(t, id, "", 1)[0])
	return s.History(), res
}

// counterBounds is what a counter history says of one read: the adds that
// completed ok before it began, and every add it could have seen that is
// not recorded as failed.
func counterBounds(pairs []history.Pair, read history.Pair) (acked, possible int64) {
	for _, p := range pairs {
		if p.Invoke.F != "add" {
			continue
		}
		d, _ := history.Int(p.Invoke.Value)
		c := p.Completion
		switch {
		case c != nil && c.Type == history.OK && c.Index < read.Invoke.Index:
			acked += d
			possible += d
		case c != nil && c.Type == history.Fail:
		case p.Invoke.Index < read.Completion.Index:
			possible += d
		}
	}
	return acked, possible
}

// tdTrace runs one seed of a lesson's variant with the trace on and
// returns the trace's lines, for tests that replay the story a text tells.
func tdTrace(t *testing.T, id, variant string, seed uint64) (*sim.Sim, []string) {
	t.Helper()
	_, s := tracedRun(t, id, variant, seed)
	lines := make([]string, len(s.Trace()))
	for i, e := range s.Trace() {
		lines[i] = e.String()
	}
	return s, lines
}

// tdInOrder asserts that each wanted fragment appears in some line, each
// after the previous one.
func tdInOrder(t *testing.T, lines []string, want ...string) {
	t.Helper()
	i := 0
	for _, l := range lines {
		if i < len(want) && strings.Contains(l, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("trace lacks %q (after %q)", want[i], want[:i])
	}
}

// Helpers for the transactional lessons' tests (14–16).

// runTxn reruns a seed of a transactional lesson with the trace on and
// checks it fully against the lesson's consistency model.
func runTxn(t *testing.T, id, variant string, seed uint64) (*sim.Sim, txn.Result) {
	t.Helper()
	s, _ := runSeed(t, id, variant, seed)
	l, _ := Get(id)
	res, err := l.CheckTxn(context.Background(), s.History(), checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

// wantTxn is what a test pins of a transaction: its process, records,
// outcome (and error) and micro-operations as the history has them.
type wantTxn struct {
	process   history.Process
	inv, comp int64
	typ       history.Type
	err       string
	mops      []any
}

func (w wantTxn) check(t *testing.T, name string, got history.Txn) {
	t.Helper()
	var inv, comp int64 = -1, -1
	if got.Invocation != nil {
		inv = got.Invocation.Index
	}
	var errCode string
	if got.Completion != nil {
		comp, errCode = got.Completion.Index, got.Completion.Error
	}
	if got.Process != w.process || inv != w.inv || comp != w.comp || got.Type != w.typ || errCode != w.err {
		t.Errorf("%s: process %v, records %d and %d, %s %q; want process %v, records %d and %d, %s %q",
			name, got.Process, inv, comp, got.Type, errCode, w.process, w.inv, w.comp, w.typ, w.err)
	}
	if mops := history.TxnValue(got.Mops); !reflect.DeepEqual(mops, w.mops) {
		t.Errorf("%s: micro-operations %s, want %s", name, history.Format(mops), history.Format(w.mops))
	}
}

// mop builds a micro-operation as the history holds it.
func mop(f, key string, v any) []any { return []any{f, key, v} }

// list builds a list value of int64 elements.
func list(xs ...int64) []any {
	out := []any{}
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}

// txnAt finds the transaction invoked at a record.
func txnAt(t *testing.T, res txn.Result, inv int64) history.Txn {
	t.Helper()
	for _, x := range res.Txns {
		if x.Invocation != nil && x.Invocation.Index == inv {
			return x
		}
	}
	t.Fatalf("no transaction is invoked at record %d", inv)
	return history.Txn{}
}

// firstForbidden is the anomaly a verdict names, or a test failure.
func firstForbidden(t *testing.T, res txn.Result) txn.Anomaly {
	t.Helper()
	a, ok := FirstForbidden(res)
	if !ok || res.Verdict != txn.Invalid {
		t.Fatalf("verdict %s with anomalies %v: want one that %s forbids", res.Verdict, res.Types, res.Consistency)
	}
	return a
}

// traceTime is the time of the first trace event that shows line.
func traceTime(t *testing.T, s *sim.Sim, line string) int64 {
	t.Helper()
	for _, e := range s.Trace() {
		if strings.Contains(e.String(), line) {
			return e.Time
		}
	}
	t.Fatalf("the trace never shows %q", line)
	return 0
}

// readsOf lists what the committed transactions' reads of key returned,
// with the record of each transaction's completion.
func readsOf(res txn.Result, key string) (values []any, at []int64) {
	for _, x := range res.Txns {
		if x.Type != history.OK {
			continue
		}
		for _, m := range x.Mops {
			if m.F == history.MopRead && m.Key == key {
				values = append(values, m.Value)
				at = append(at, x.Completion.Index)
			}
		}
	}
	return values, at
}

// The torture's runs: their length and their nemeses.

// tortureOps is the length of a torture run.
const tortureOps = 600

// tolerated is what a correct variant declares it survives: its
// Variant.Tolerates or, until the toydb work declares it there, the claim
// issue 10 makes of every replicated design (every network fault, crash
// and pause; clocks too, since none of the correct designs reads a wall
// clock for its safety). The toydb work replaces this fallback by the
// declarations.
func tolerated(v toydb.Variant) []sim.Nemesis {
	if len(v.Tolerates) > 0 {
		return v.Tolerates
	}
	return sim.Nemeses(sim.NetworkNemeses, sim.ProcessNemeses, sim.ClockNemeses)
}

// tortureProfiles are the nemeses a torture seed draws from what a
// variant tolerates, in turn: everything at once, then families of faults
// overlapping among themselves. Everything at once keeps one or two
// faults in force (sim.DensityFor); a family of three keeps each in force
// half the time, which is what finds bugs that need two faults together
// (duplication while messages are slow finds lesson 2's fix wanting, which
// everything at once hardly ever does).
var tortureProfiles = []struct {
	name  string
	kinds []sim.Nemesis // nil: everything tolerated
}{
	{"everything", nil},
	{"messages", []sim.Nemesis{sim.NemesisLoss, sim.NemesisDuplicate, sim.NemesisDelay}},
	{"partitions", []sim.Nemesis{sim.NemesisPartition, sim.NemesisPartitionOne, sim.NemesisPartitionLeader, sim.NemesisPartitionRing, sim.NemesisPartitionBridge}},
	{"processes and messages", sim.Nemeses(sim.ProcessNemeses, []sim.Nemesis{sim.NemesisLoss, sim.NemesisDuplicate, sim.NemesisDelay})},
	{"processes and partitions", sim.Nemeses(sim.ProcessNemeses, []sim.Nemesis{sim.NemesisPartition, sim.NemesisPartitionOne, sim.NemesisPartitionLeader, sim.NemesisPartitionRing, sim.NemesisPartitionBridge})},
	{"clocks and messages", sim.Nemeses(sim.ClockNemeses, []sim.Nemesis{sim.NemesisLoss, sim.NemesisDuplicate, sim.NemesisDelay})},
}

// tortureNemesis is the nemesis of one torture seed: seed 1 everything
// tolerated, seed 2 the message faults, and so on, each profile limited to
// what the variant tolerates (everything, when that leaves nothing).
func tortureNemesis(tolerates []sim.Nemesis, seed uint64) (string, []sim.Nemesis) {
	p := tortureProfiles[(seed-1)%uint64(len(tortureProfiles))]
	var kinds []sim.Nemesis
	for _, k := range p.kinds {
		if slices.Contains(tolerates, k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return "everything", tolerates
	}
	return p.name, kinds
}
