package lessons

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/history"
)

// Every number an explanation states — a value, a count, a total, a
// record, a process — must come from the witness it sits beside, or, in a
// sentence that says "in the history", from the history. The tests find
// the failing seeds themselves (the toy databases change), so they hold
// whatever the histories become.

// The first failing seed of each buggy variant; its first three with
// FAULTLINE_LONG=1.
func TestExplanationsAreTrueOfTheirWitness(t *testing.T) {
	t.Parallel()
	per := int(sweep(1, 1, 3))
	checked, variants := 0, 0
	for _, l := range All() {
		for _, variant := range buggySample(l) {
			variants++ // each fails on some seed (the kit), so each gives a run
			for _, seed := range failingSeeds(t, l.ID, variant, per) {
				h, res := checkedRun(t, l, variant, seed)
				if res.Verdict != checker.NotLinearizable {
					t.Errorf("%s/%s seed %d: hunted failing, checked %s", l.ID, variant, seed, res.Verdict)
					continue
				}
				checked++
				if c := danglingClause(checker.FormatText(res)); c != "" {
					t.Errorf("%s/%s seed %d: a clause of the text ends unfinished: %q", l.ID, variant, seed, c)
				}
				if err := headlineTrue(h, res); err != nil {
					t.Errorf("%s/%s seed %d: %v", l.ID, variant, seed, err)
				}
				for _, text := range append([]string{res.Explanation}, res.Summary...) {
					if c := danglingClause(text); c != "" {
						t.Errorf("%s/%s seed %d: a clause ends unfinished: %q", l.ID, variant, seed, c)
					}
					if errs := falseFacts(text, res.Witness, h, l.Init); len(errs) > 0 {
						t.Errorf("%s/%s seed %d: %d false facts, first %v\nexplanation: %s", l.ID, variant, seed, len(errs), errs[0], text)
					}
				}
			}
		}
	}
	if checked < variants {
		t.Errorf("only %d failing runs of %d buggy variants checked: the test proves little", checked, variants)
	}
	t.Logf("%d failing runs' explanations checked", checked)
}

var (
	sentenceEnd = regexp.MustCompile(`[.:;]\s+(?:[A-Z]|In |No |But |the |then |while )`)
	opRecords   = regexp.MustCompile(`\[records (\d+) and (\d+)\]|\[record (\d+), no completion\]`)
	between     = regexp.MustCompile(`between records (\d+) and (\d+)|\(record (\d+)\)`)
	processRef  = regexp.MustCompile(`(?i)process (\d+)`)
	number      = regexp.MustCompile(`-?\b\d+\b`)
)

// falseFacts lists what an explanation states that its witness (or, in a
// sentence that says so, the history) does not hold.
func falseFacts(text string, wit, h history.History, init any) []error {
	var errs []error
	for _, s := range sentences(text) {
		src, where := wit, "witness"
		if strings.Contains(strings.ToLower(s), "in the history") {
			src, where = h, "history"
		}
		known := derivable(src, init)
		claimed := map[string]bool{} // numbers accounted for as records or processes
		// An operation's records belong to one operation, of the process
		// the clause names last before them.
		for _, m := range opRecords.FindAllStringSubmatchIndex(s, -1) {
			proc := lastProcess(s[:m[0]])
			var inv, comp int64 = -1, -1
			if m[2] >= 0 {
				inv, _ = strconv.ParseInt(s[m[2]:m[3]], 10, 64)
				comp, _ = strconv.ParseInt(s[m[4]:m[5]], 10, 64)
			} else {
				inv, _ = strconv.ParseInt(s[m[6]:m[7]], 10, 64)
			}
			if err := oneOperation(src, inv, comp, proc); err != nil {
				errs = append(errs, fmt.Errorf("%s: %q: %v", where, s[m[0]:m[1]], err))
			}
			claimed[fmt.Sprint(inv)], claimed[fmt.Sprint(comp)] = true, true
		}
		for _, m := range between.FindAllStringSubmatch(s, -1) {
			for _, x := range m[1:] {
				if x == "" {
					continue // the other form's group
				}
				n, _ := strconv.ParseInt(x, 10, 64)
				if !hasIndex(src, n) {
					errs = append(errs, fmt.Errorf("%s has no record %d (%q)", where, n, m[0]))
				}
				claimed[x] = true
			}
		}
		for _, m := range processRef.FindAllStringSubmatch(s, -1) {
			p, _ := strconv.ParseInt(m[1], 10, 64)
			if !hasProcess(src, p) {
				errs = append(errs, fmt.Errorf("%s has no process %d", where, p))
			}
			claimed[m[1]] = true
		}
		for _, x := range number.FindAllString(s, -1) {
			if claimed[x] {
				continue
			}
			n, _ := strconv.ParseInt(x, 10, 64)
			if !known[n] {
				errs = append(errs, fmt.Errorf("%d is no value, count, total or difference of the %s (sentence: %q)", n, where, s))
			}
		}
	}
	return errs
}

// sentences splits an explanation where a new statement begins.
func sentences(text string) []string {
	var out []string
	for {
		loc := sentenceEnd.FindStringIndex(text)
		if loc == nil {
			return append(out, text)
		}
		cut := loc[0] + 1
		out = append(out, text[:cut])
		text = strings.TrimSpace(text[cut:])
	}
}

func lastProcess(s string) int64 {
	ms := processRef.FindAllStringSubmatch(s, -1)
	if len(ms) == 0 {
		return -1
	}
	p, _ := strconv.ParseInt(ms[len(ms)-1][1], 10, 64)
	return p
}

// oneOperation checks that records inv and comp (-1: none) are one
// operation's invocation and completion, of process proc (-1: any).
func oneOperation(h history.History, inv, comp, proc int64) error {
	pairs, err := h.Pairs()
	if err != nil {
		return err
	}
	for _, p := range pairs {
		if p.Invoke.Index != inv {
			continue
		}
		switch {
		case comp >= 0 && (p.Completion == nil || p.Completion.Index != comp):
			return fmt.Errorf("record %d's operation does not complete at record %d", inv, comp)
		case comp < 0 && p.Completion != nil:
			return fmt.Errorf("record %d's operation completes at record %d", inv, p.Completion.Index)
		case proc >= 0 && int64(p.Invoke.Process) != proc:
			return fmt.Errorf("records of process %v, named as process %d's", p.Invoke.Process, proc)
		}
		return nil
	}
	return fmt.Errorf("no operation is invoked at record %d", inv)
}

func hasIndex(h history.History, n int64) bool {
	return slices.ContainsFunc(h, func(o history.Op) bool { return o.Index == n })
}

func hasProcess(h history.History, p int64) bool {
	return slices.ContainsFunc(h, func(o history.Op) bool { return !o.IsNemesis() && int64(o.Process) == p })
}

// derivable lists the numbers a text may state about h: the values its
// records carry, the initial value, counts of its operations (all, by
// kind, by kind and outcome), totals of its adds (all, by outcome, from
// the initial value) and differences of two values.
func derivable(h history.History, init any) map[int64]bool {
	known := map[int64]bool{}
	var values []int64
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case int64:
			values = append(values, x)
		case []any:
			known[int64(len(x))] = true
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case string:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				values = append(values, n)
			}
		}
	}
	start := int64(0)
	if n, ok := init.(int64); ok {
		start = n
	}
	walk(init)
	values = append(values, start)
	pairs, _ := h.Pairs()
	counts := map[string]int64{}
	sums := map[string]int64{}
	for _, p := range pairs {
		walk(p.Invoke.Value)
		walk(p.Invoke.Key)
		outcome := "none"
		if p.Completion != nil {
			walk(p.Completion.Value)
			outcome = string(p.Completion.Type)
		}
		groups := []string{"", p.Invoke.F, p.Invoke.F + "/" + outcome}
		if outcome != string(history.Fail) {
			// what may have taken effect: acknowledged, unknown or unanswered
			groups = append(groups, p.Invoke.F+"/may")
		}
		for _, k := range groups {
			counts[k]++
			if d, ok := p.Invoke.Value.(int64); ok && p.Invoke.F == "add" {
				sums[k] += d
			}
		}
	}
	for _, n := range counts {
		known[n] = true
	}
	for _, n := range sums {
		known[n], known[start+n] = true, true
	}
	for _, a := range values {
		known[a] = true
		for _, b := range values {
			known[a-b] = true
		}
	}
	return known
}

// TestWitnessDoesNotDependOnTheTimeLimit: the witness search is budgeted
// in steps, not time, so the first failing seed of every buggy variant of
// every lesson gives the same witness, summary and explanation with a
// time limit of 2 s as with the default 10 s (the check the explanation
// test reads), and with 60 s in long mode.
func TestWitnessDoesNotDependOnTheTimeLimit(t *testing.T) {
	t.Parallel()
	for _, l := range All() {
		for _, variant := range buggySample(l) {
			seed := firstFailing(t, l.ID, variant)
			others := map[string]checker.Result{}
			h, ten := checkedRun(t, l, variant, seed)
			others["10 s"] = ten
			// The same history (the run is deterministic), checked again.
			short, err := l.Check(context.Background(), h, checker.Options{Timeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if long() {
				_, others["60 s"] = checkSeed(t, l, variant, seed, checker.Options{Timeout: 60 * time.Second})
			}
			for limit, other := range others {
				if short.Anomaly == checker.AnomalyUnexplained || other.Anomaly == checker.AnomalyUnexplained {
					t.Errorf("%s/%s seed %d: the time limit stopped the witness search (%q / %q)", l.ID, variant, seed, short.Reason, other.Reason)
					continue
				}
				if !reflect.DeepEqual(short.Witness, other.Witness) || short.Anomaly != other.Anomaly ||
					short.Explanation != other.Explanation || !slices.Equal(short.Summary, other.Summary) {
					t.Errorf("%s/%s seed %d: 2 s and %s differ:\n%s\n%s", l.ID, variant, seed, limit, short.Explanation, other.Explanation)
				}
			}
		}
	}
}

// TestFalseFactsCatchesTheReportedLies feeds the truth check the sentences
// issue 9 found beside witnesses that did not hold them: it must object.
func TestFalseFactsCatchesTheReportedLies(t *testing.T) {
	t.Parallel()
	op := func(i int64, p int, typ history.Type, f string, v any) history.Op {
		return history.Op{Index: i, Process: history.Process(p), Type: typ, F: f, Value: v}
	}
	// 99 adds of 1, then a read of 98.
	var adds history.History
	for i := range int64(99) {
		adds = append(adds, op(2*i, int(i%3), history.Invoke, "add", int64(1)), op(2*i+1, int(i%3), history.OK, "add", int64(1)))
	}
	adds = append(adds, op(198, 1, history.Invoke, "read", nil), op(199, 1, history.OK, "read", int64(98)))
	registers := history.History{
		op(10, 0, history.Invoke, "write", int64(5)), op(11, 1, history.Invoke, "write", int64(4)),
		op(12, 0, history.OK, "write", int64(5)), op(13, 1, history.OK, "write", int64(4)),
		op(14, 2, history.Invoke, "read", nil), op(15, 2, history.OK, "read", int64(5)),
	}
	for _, c := range []struct {
		text string
		wit  history.History
	}{
		{"Process 1 read a total of 98, but the 102 adds acknowledged before it began bring the counter to 102.", adds},
		{"The counter held 103 where the read began.", adds},
		{"The register held 7 where the order stops.", registers},
		{"Process 0 wrote 5 [records 10 and 13].", registers},
		{"Process 1 wrote 4 [records 11 and 13]; then process 1 read 5 [records 14 and 15].", registers},
		{"Process 2 read 5 [records 14 and 16].", registers},
	} {
		if errs := falseFacts(c.text, c.wit, c.wit, nil); len(errs) == 0 {
			t.Errorf("no objection to %q", c.text)
		}
	}
	for _, text := range []string{
		"Process 1 read a total of 98 [records 198 and 199], but the witness's 99 adds of 1 were all acknowledged before that read began, bringing the counter to 99 (the counter starts at 0).",
		"In time order: process 0 wrote 5 [records 10 and 12]; while process 0's write was still in flight, process 1 wrote 4 [records 11 and 13]; then process 2 read 5 [records 14 and 15].",
	} {
		wit := adds
		if strings.Contains(text, "wrote") {
			wit = registers
		}
		if errs := falseFacts(text, wit, wit, nil); len(errs) > 0 {
			t.Errorf("objections to a true sentence %q: %v", text, errs)
		}
	}
}

// TestQueueOrderClaimsHold holds what the numbers test cannot see: a
// queue explanation's claims of order ("came out first", "came out
// later", "had come out earlier", "no operation ever delivered") and the
// anomaly's name, each against the records the sentence cites.
func TestQueueOrderClaimsHold(t *testing.T) {
	t.Parallel()
	var (
		first   = regexp.MustCompile(`(\S+) was enqueued before (\S+), but (\S+) came out first, to process (\d+) \[records (\d+) and (\d+)\]`)
		later   = regexp.MustCompile(`In the history, (\S+) came out later, to process (\d+) \[records (\d+) and (\d+)\]`)
		earlier = regexp.MustCompile(`In the history, (\S+) had come out earlier, to process (\d+) \[records (\d+) and (\d+)\]`)
		never   = regexp.MustCompile(`no operation ever delivered (\S+?)[.:;,]`)
	)
	per := int(sweep(3, 10, 10))
	claims := 0
	for _, l := range All() {
		if l.Model != checker.ModelQueue {
			continue
		}
		for _, variant := range l.Buggy() {
			for _, seed := range failingSeeds(t, l.ID, variant, per) {
				h, res := checkedRun(t, l, variant, seed)
				name := fmt.Sprintf("%s/%s seed %d", l.ID, variant, seed)
				text := res.Explanation
				// delivered finds, in src, the completed dequeue invoked
				// at record inv and completed at comp; it returns its value.
				delivered := func(src history.History, inv, comp string) (string, bool) {
					i, _ := strconv.ParseInt(inv, 10, 64)
					c, _ := strconv.ParseInt(comp, 10, 64)
					if oneOperation(src, i, c, -1) != nil {
						return "", false
					}
					for _, o := range src {
						if o.Index == c && o.Type == history.OK && o.F == "dequeue" {
							return history.Format(o.Value), true
						}
					}
					return "", false
				}
				var outAt int64 = -1 // the completion of the dequeue that came out first
				if m := first.FindStringSubmatch(text); m != nil {
					claims++
					if res.Anomaly != checker.AnomalyReordered && res.Anomaly != checker.AnomalyLostWrite {
						t.Errorf("%s: %q named %q", name, m[0], res.Anomaly)
					}
					if v, ok := delivered(res.Witness, m[5], m[6]); !ok || v != m[3] || m[2] != m[3] {
						t.Errorf("%s: the witness has no dequeue of %s at records %s and %s", name, m[3], m[5], m[6])
					}
					outAt, _ = strconv.ParseInt(m[6], 10, 64)
				}
				if m := later.FindStringSubmatch(text); m != nil {
					claims++
					inv, _ := strconv.ParseInt(m[3], 10, 64)
					if v, ok := delivered(h, m[3], m[4]); !ok || v != m[1] || outAt < 0 || inv <= outAt {
						t.Errorf("%s: %q is not a later dequeue of %s in the history", name, m[0], m[1])
					}
				}
				if m := earlier.FindStringSubmatch(text); m != nil {
					claims++
					comp, _ := strconv.ParseInt(m[4], 10, 64)
					if v, ok := delivered(h, m[3], m[4]); !ok || v != m[1] || outAt < 0 || comp >= outAt {
						t.Errorf("%s: %q is not an earlier dequeue of %s in the history", name, m[0], m[1])
					}
				}
				if m := never.FindStringSubmatch(text); m != nil {
					claims++
					for _, o := range h {
						if o.Type != history.OK || o.IsNemesis() {
							continue
						}
						if o.F == "dequeue" && history.Format(o.Value) == m[1] || o.F == "drain" && slices.ContainsFunc(asList(o.Value), func(x any) bool { return history.Format(x) == m[1] }) {
							t.Errorf("%s: says no operation ever delivered %s; record %d did", name, m[1], o.Index)
						}
					}
				}
			}
		}
	}
	if claims == 0 {
		t.Error("no queue order claim found: the test proves nothing")
	}
	t.Logf("%d claims checked", claims)
}

func asList(v any) []any {
	xs, _ := v.([]any)
	return xs
}
