package lessons

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/sim"
)

// A learner reads words, not code. These tests look, in everything the
// lessons package can put in front of a learner, for identifiers that
// leaked from the code: camelCase (pbMajority), snake_case (voted_for),
// and in strings built by code, PascalCase with an inner capital
// (ReplicationIntervalNs).
var (
	camelCase  = regexp.MustCompile(`\b[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*\b`)
	snakeCase  = regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9]*(_[a-zA-Z0-9]+)+\b`)
	pascalCase = regexp.MustCompile(`\b[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*\b`)
)

// allowedIdentifiers are words that look like code and are meant: real
// systems' names for things, which the texts show as code so that a
// learner can look them up.
var allowedIdentifiers = map[string]string{
	"minimum_master_nodes": "Elasticsearch's discovery.zen.minimum_master_nodes setting (lesson 4)",
	"read_repair":          "Cassandra's table option (lesson 6)",
	"synchronous_commit":   "PostgreSQL's setting (lesson 9)",
	"AppendEntries":        "Raft's RPC, named as the paper names it",
	"RequestVote":          "Raft's RPC, named as the paper names it",
}

// knownLeaks are identifiers found in strings other helpers own, reported
// to them and not yet fixed: the test logs them instead of failing, so
// that it can fail on any new one. Remove an entry once its owner fixes it.
var knownLeaks = map[string]string{}

// leaks returns the identifiers in s that are neither allowed nor known.
// code marks strings built by code, where PascalCase counts too.
func leaks(s string, code bool) (found, known []string) {
	if !mayLeak(s) {
		return nil, nil
	}
	var ms []string
	ms = append(ms, camelCase.FindAllString(s, -1)...)
	ms = append(ms, snakeCase.FindAllString(s, -1)...)
	if code {
		ms = append(ms, pascalCase.FindAllString(s, -1)...)
	}
	for _, m := range ms {
		switch {
		case allowedIdentifiers[m] != "":
		case knownLeaks[m] != "":
			known = append(known, m)
		default:
			found = append(found, m)
		}
	}
	return found, known
}

// mayLeak is false when s cannot hold an identifier of any of the three
// forms: each has an underscore, or a capital right after a lower-case
// letter or digit. (The runs' strings are many; most are plain.)
func mayLeak(s string) bool {
	for i := 1; i < len(s); i++ {
		c, p := s[i], s[i-1]
		if c == '_' || 'A' <= c && c <= 'Z' && ('a' <= p && p <= 'z' || '0' <= p && p <= '9') {
			return true
		}
	}
	return false
}

// codeStrings are the lesson's strings that code builds: the variants'
// summaries (toydb), which every list of variants shows.
func codeStrings(l *Lesson) []string {
	var out []string
	for _, v := range l.Variants() {
		out = append(out, v.Summary)
	}
	return out
}

func TestNoCodeIdentifiersInLessonTexts(t *testing.T) {
	t.Parallel()
	known := map[string]bool{}
	for _, l := range All() {
		for _, s := range learnerStrings(l) {
			found, k := leaks(s, false)
			for _, m := range found {
				t.Errorf("%s: %q in %q", l.ID, m, clip(s, m))
			}
			for _, m := range k {
				known[m] = true
			}
		}
		for _, s := range codeStrings(l) {
			found, k := leaks(s, true)
			for _, m := range found {
				t.Errorf("%s: variant summary has %q: %q", l.ID, m, s)
			}
			for _, m := range k {
				known[m] = true
			}
		}
	}
	logKnown(t, known)
	// Every known leak is in a string a learner reads without a run (a
	// variant summary): one that no longer leaks comes off the list.
	for k := range knownLeaks {
		if !known[k] {
			t.Errorf("knownLeaks lists %s, which no longer leaks: remove it", k)
		}
	}
}

// TestNoCodeIdentifiersInRuns runs failing seeds of every buggy variant,
// and seed 1 of every correct one, and looks at what a learner sees of
// them: the anomaly, the explanation, the error codes in the history, the
// messages and log lines of the message view, and the cluster view's node
// statuses. The first failing seed of each buggy variant here; the first
// ten with FAULTLINE_LONG=1.
func TestNoCodeIdentifiersInRuns(t *testing.T) {
	t.Parallel()
	per := int(sweep(1, 1, 10))
	known := map[string]bool{}
	seen := map[string]bool{} // each offending string once
	look := func(l *Lesson, v string, seed uint64) {
		for where, s := range runStrings(t, l, v, seed) {
			found, k := leaks(s, true)
			for _, m := range k {
				known[m] = true
			}
			if len(found) > 0 && !seen[s] {
				seen[s] = true
				t.Errorf("%s/%s seed %d, %s: %v in %q", l.ID, v, seed, where, found, s)
			}
		}
	}
	for _, l := range All() {
		for _, v := range l.Variants() {
			if l.IsCorrect(v.Name) {
				look(l, v.Name, 1)
				continue
			}
			failing := failingSeeds(t, l.ID, v.Name, per)
			if len(failing) == 0 {
				t.Errorf("%s/%s: no failing seed in 1–200 to read", l.ID, v.Name)
			}
			for _, seed := range failing {
				look(l, v.Name, seed)
			}
		}
	}
	logKnown(t, known)
}

// runStrings runs a seed with the trace on, checks it fully, and returns
// what a learner may read of it, keyed by where it appears.
func runStrings(t *testing.T, l *Lesson, variant string, seed uint64) map[string]string {
	t.Helper()
	sc, err := l.Scenario(Options{Variant: variant, Seed: seed, Trace: true})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Start(sc)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	add := func(where, text string) {
		if text != "" {
			out[where+": "+text] = text
		}
	}
	// The cluster view, every quarter second of the run.
	for !s.Done() {
		s.RunUntil(s.Now() + 250_000_000)
		for _, n := range s.Cluster() {
			add("cluster view", string(n.Status.Role))
			add("cluster view", n.Status.Value)
			add("cluster view", n.Status.Detail)
		}
	}
	if err := s.Err(); err != nil {
		t.Fatalf("%s/%s seed %d: %v", l.ID, variant, seed, err)
	}
	for _, e := range s.Trace() {
		switch e.Kind {
		case sim.TraceLog, sim.TraceFault:
			add("log", e.Detail)
		case sim.TraceSend, sim.TraceDrop, sim.TraceDuplicate:
			if e.Body != nil {
				add("message", sim.DescribeBody(e.Body))
			}
			add("message", e.Detail)
		}
	}
	for _, o := range s.History() {
		add("history error", o.Error)
	}
	// The check is the one the other tests of this run read; the trace
	// must not have changed the run it checked.
	h, res := checkedRun(t, l, variant, seed)
	if !reflect.DeepEqual(h, s.History()) {
		t.Fatalf("%s/%s seed %d: the run with its trace on differs from the run without", l.ID, variant, seed)
	}
	add("anomaly", res.Anomaly)
	add("explanation", res.Explanation)
	return out
}

func logKnown(t *testing.T, known map[string]bool) {
	var ks []string
	for k := range known {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		t.Logf("known leak, reported to its owner: %s (%s)", k, knownLeaks[k])
	}
}

// clip is the part of s around m, for a readable failure.
func clip(s, m string) string {
	i := strings.Index(s, m)
	if i < 0 {
		return s
	}
	from, to := max(0, i-40), min(len(s), i+len(m)+40)
	return fmt.Sprintf("…%s…", s[from:to])
}

func TestLeaksFindsIdentifiers(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    string
		code bool
		want []string
	}{
		{"a leader needs a quorumSize vote", false, []string{"quorumSize"}},
		{"the voted_for field", false, []string{"voted_for"}},
		{"wait ReplicationIntervalNs", true, []string{"ReplicationIntervalNs"}},
		{"MongoDB and PostgreSQL", false, nil},
		{"`--nemesis partition-leader`, f is cas, n1 to n5, R+W > N, 1.5 s", true, nil},
		{"Cassandra's `read_repair = 'NONE'`", false, nil},
	} {
		got, _ := leaks(c.s, c.code)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%q: got %v, want %v", c.s, got, c.want)
		}
	}
}
