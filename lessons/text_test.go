package lessons

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

// keyed is what the author meant a question to be: how many choices it
// offers and the text of the right one.
type keyed struct {
	choices int
	right   string
}

// intended holds every lesson's prediction (first) and quiz, as written.
// A choice that splits, or an answer that points at the wrong choice,
// changes what this table sees.
var intended = map[string][]keyed{
	"first-history": {
		{3, "we cannot know"},
		{3, "either order"},
		{2, "no"},
		{3, "it may take effect at any later moment"},
	},
	"stale-replica-reads": {
		{3, "possibly an older value"},
		{2, "yes"},
		{3, "because n1 applies every write before acknowledging it, and no other node ever takes writes"},
		{3, "time out (info) at first, then fail with the error no-leader"},
	},
	"async-failover": {
		{4, "it is thrown away"},
		{3, "adds that only the old primary held: acknowledged but not yet shipped to the backups"},
		{3, "info, and that is fine"},
		{3, "n3 needs n2's vote, and n2 refuses a candidate whose log is less up to date than its own"},
	},
	"split-brain": {
		{3, "two: n1 and n2"},
		{3, "time out or fail, because n1 cannot reach a majority"},
		{3, "so that a node votes once per term and an old leader learns it was replaced"},
		{2, "no, it may have been replaced without knowing it"},
	},
	"lww-clocks": {
		{4, "0"},
		{2, "no: the write of 7 carries the later stamp"},
		{2, "no, it narrows the skew but cannot remove it"},
		{3, "every write goes through n1, so it waits for n1 and stops if n1 is unreachable"},
	},
	"sloppy-quorums": {
		{3, "yes, while a write is only partly stored"},
		{3, "the write's two acknowledgements came from a home replica and a fallback, and the read asked two home replicas that never saw it"},
		{3, "the write's one replica and the read's one replica can be different nodes"},
		{3, "the write may take effect at one moment only: before the first read, so the second read must see it too"},
		{3, "a second round trip on every read"},
	},
	"timeouts-are-unknown": {
		{3, "you cannot know from the client"},
		{3, "because it may or may not have taken effect"},
		{2, "yes: a total that no set of adds can reach"},
		{3, "the request id, the same on every retry, which the primary remembers"},
	},
	"lease-locks": {
		{3, "it writes its total anyway and undoes the adds made while it slept"},
		{3, "checking and writing are two steps: a pause can fall between them, after the check passed"},
		{3, "the storage"},
		{3, "a definite fail with the error fenced"},
	},
	"fsync-lies": {
		{3, "an older value: whatever the last background fsync wrote"},
		{3, "every write since the last background fsync, acknowledged or not"},
		{3, "the client cannot know whether n1 synced the write before it died"},
		{2, "yes: a node that restarts without the writes and votes it acknowledged breaks the overlap of majorities"},
	},
	"stale-leader-reads": {
		{3, "n1's old value"},
		{3, "n1 measures the lease with its wall clock, and the nemesis stepped that clock back"},
		{3, "info or a definite fail, never ok"},
		{3, "an older confirmation says nothing about what happened since"},
	},
	"racy-cas": {
		{3, "both"},
		{3, "n1 compares and writes in one step, with nothing in between"},
		{3, "no, only concurrency"},
		{3, "one ok and one fail with error mismatch"},
	},
	"unclean-election": {
		{3, "they are lost when n1 follows n2's log"},
		{3, "every replica in its in-sync set — and that set may be the leader alone"},
		{3, "a definite fail (not-enough-replicas) once its in-sync set is too small"},
		{3, "an out-of-sync replica could still be elected, and lead with a log that lacks acknowledged messages"},
	},
	"raft-capstone": {
		{3, "linearizable"},
		{3, "no — only by committing an entry of its own term after it"},
		{3, "to make sure no newer leader exists that has committed writes it has not seen"},
		{3, "its term and its vote (and its log)"},
		{3, "only if the entry at 7 still has the term it was created in"},
	},
	"dirty-reads": {
		{3, "the 4, which then never existed"},
		{3, "read committed"},
		{3, "an intermediate read (G1b)"},
		{3, "no, the writer may have committed"},
	},
	"lost-update": {
		{3, "one of the two, and the other write is gone without a trace"},
		{3, "repeatable read, snapshot isolation and everything stronger"},
		{3, "one ok, one fail with the error conflict"},
		{3, "it retries the writes of a transaction that lost a conflict without running its reads again"},
	},
	"write-skew": {
		{3, "both go off call, and both transactions commit"},
		{3, "that no key the transaction wrote was committed by another since its snapshot"},
		{3, "rw, a write after a read that missed it"},
		{3, "make the two transactions write a common row, or lock what they read"},
	},
}

func TestQuestionsKeyTheIntendedChoice(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, l := range All() {
		seen[l.ID] = true
		want, ok := intended[l.ID]
		if !ok {
			t.Errorf("%s: no entry in the intended table: add its questions", l.ID)
			continue
		}
		got := append([]Question{l.Text.Predict}, l.Text.Quiz...)
		if len(got) != len(want) {
			t.Errorf("%s: %d questions (prediction included), want %d", l.ID, len(got), len(want))
			continue
		}
		for i, q := range got {
			name := "prediction"
			if i > 0 {
				name = "quiz question " + string(rune('0'+i))
			}
			if len(q.Choices) != want[i].choices {
				t.Errorf("%s %s: %d choices %q, want %d", l.ID, name, len(q.Choices), q.Choices, want[i].choices)
			}
			if q.Right() != want[i].right {
				t.Errorf("%s %s: keyed to %q, want %q", l.ID, name, q.Right(), want[i].right)
			}
			if q.Why == "" {
				t.Errorf("%s %s: no why", l.ID, name)
			}
		}
	}
	for id := range intended {
		if !seen[id] {
			t.Errorf("the intended table names %s, which is no lesson", id)
		}
	}
}

// frontMatter wraps YAML in a minimal lesson file.
func frontMatter(yaml string) []byte {
	return []byte("---\nid: x\ntitle: T\n" + yaml + "---\n## What happened\nit did\n## The fix\nfixed\n")
}

func TestParseTextRefusesQuestionsThatCouldMislead(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, yaml, want string }{
		{"flow list", "predict:\n  q: Q?\n  choices: [yes, a partition, no]\n  answer: no\n", "line 6: question \"Q?\": write choices as a block list"},
		{"index answer", "predict:\n  q: Q?\n  choices:\n    - a\n    - b\n  answer: 1\n", "line 9: question \"Q?\": answer must be the text of the right choice"},
		{"number-like answer unquoted", "predict:\n  q: Q?\n  choices:\n    - \"0\"\n    - \"7\"\n  answer: 0\n", "answer must be the text"},
		{"answer matches none", "predict:\n  q: Q?\n  choices:\n    - a\n    - b\n  answer: c\n", "the answer \"c\" is none of the choices"},
		{"ambiguous answer", "predict:\n  q: Q?\n  choices:\n    - a\n    - a\n    - b\n  answer: a\n", "the answer \"a\" is ambiguous: choices 1 and 2"},
		{"no answer", "predict:\n  q: Q?\n  choices:\n    - a\n    - b\n", "has no answer"},
		{"one choice", "predict:\n  q: Q?\n  choices:\n    - a\n  answer: a\n", "needs two or more choices"},
		{"choice that is a mapping", "quiz:\n  - q: Q?\n    choices:\n      - no: it timed out\n      - b\n    answer: b\n", "line 7: question \"Q?\": a choice must be plain text"},
		{"unknown question field", "quiz:\n  - q: Q?\n    choices:\n      - a\n      - b\n    answer: a\n    answr: b\n", "unknown field \"answr\""},
		{"question without q", "quiz:\n  - choices:\n      - a\n      - b\n    answer: a\n", "has no q"},
		{"unknown front-matter field", "narrate:\n  - seed: 1\n", "field narrate not found"},
		{"narration without seed", "narrates:\n  - variant: v\n", "narrates[0] needs a seed"},
		{"narration without variant", "narrates:\n  - seed: 3\n", "narrates[0] needs a seed (1 or more) and a variant"},
		{"missing section", "after_first_run:\n  - What happend\n", "no \"## What happend\" section"},
		{"empty variant text", "variants:\n  v:\n    held: \"\"\n", "variants.v says nothing"},
		{"yaml error line", "predict: [\n", "line 4"},
	}
	for _, c := range cases {
		_, err := ParseText(frontMatter(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestParseTextReadsAnswersAsText(t *testing.T) {
	t.Parallel()
	txt, err := ParseText(frontMatter(`predict:
  q: Does the race need a fault?
  choices:
    - yes, a partition
    - no, only concurrency
    - yes, a crash
  answer: no, only concurrency
  why: Concurrency is enough.
quiz:
  - q: What is read?
    choices:
      - "0"
      - "49"
    answer: "49"
    why: the last write
`))
	if err != nil {
		t.Fatal(err)
	}
	if p := txt.Predict; len(p.Choices) != 3 || p.Answer != 1 || p.Right() != "no, only concurrency" {
		t.Errorf("prediction %+v", p)
	}
	if q := txt.Quiz[0]; q.Answer != 1 || q.Right() != "49" {
		t.Errorf("quiz %+v", q)
	}
	if (Question{}).Right() != "" {
		t.Error("an empty question has a right choice")
	}
}

func TestTextKeepsSpoilersForAfterTheFirstRun(t *testing.T) {
	t.Parallel()
	txt, err := ParseText([]byte(`---
id: x
title: T
after_first_run:
  - what happened
  - The fix
---
Intro.

## What the system promises

A register.

## What happened

It broke.

## Why

Because.

## The fix

Majorities.
`))
	if err != nil {
		t.Fatal(err)
	}
	before, after := txt.Before(), txt.After()
	for _, s := range []string{"Intro.", "## What the system promises", "A register.", "## Why", "Because."} {
		if !strings.Contains(before, s) || strings.Contains(after, s) {
			t.Errorf("%q: want it before the first run only\nbefore:\n%s\nafter:\n%s", s, before, after)
		}
	}
	for _, s := range []string{"## What happened", "It broke.", "## The fix", "Majorities."} {
		if strings.Contains(before, s) || !strings.Contains(after, s) {
			t.Errorf("%q: want it after the first run only\nbefore:\n%s\nafter:\n%s", s, before, after)
		}
	}
	if strings.Index(after, "It broke.") > strings.Index(after, "Majorities.") {
		t.Error("after the first run, sections lose their order")
	}
	shown := txt.Shown(false)
	if strings.Contains(shown, "It broke.") || !strings.Contains(shown, "## What happened") ||
		!strings.Contains(shown, "after your first run") || !strings.Contains(shown, "Because.") {
		t.Errorf("shown before the first run:\n%s", shown)
	}
	if txt.Shown(true) != txt.Body {
		t.Error("after the first run the whole body is shown")
	}
}

// requiredAfterFirstRun are the sections that answer the prediction.
var requiredAfterFirstRun = []string{"What happened", "The fix"}

func TestEveryLessonHidesItsSpoilersAndCommandsRunFromTheClone(t *testing.T) {
	t.Parallel()
	cmd := regexp.MustCompile("`faultline (run|hunt|check|lessons)\\b")
	for _, l := range All() {
		tx := l.Text
		var hidden []string
		for _, s := range tx.Sections() {
			if s.AfterFirstRun {
				hidden = append(hidden, s.Title)
			}
		}
		for _, s := range requiredAfterFirstRun {
			if !slices.Contains(hidden, s) {
				t.Errorf("%s: %q is visible before the first run", l.ID, s)
			}
		}
		for _, s := range []string{"What the system promises", "What to try", "Predict before you run"} {
			if slices.Contains(hidden, s) {
				t.Errorf("%s: %q is hidden before the first run, but the learner needs it to run", l.ID, s)
			}
		}
		if strings.Contains(tx.Before(), tx.Section("What happened")) {
			t.Errorf("%s: what happened shows before the first run", l.ID)
		}
		for _, s := range learnerStrings(l) {
			if m := cmd.FindString(s); m != "" {
				t.Errorf("%s: %s… — a learner who followed the README types `go run . …`", l.ID, m)
			}
		}
	}
}

func TestNarrationsAndVariantTextsNameTheLessonsVariants(t *testing.T) {
	t.Parallel()
	for _, l := range All() {
		var names []string
		for _, v := range l.Variants() {
			names = append(names, v.Name)
		}
		for _, n := range l.Text.Narrates {
			if !slices.Contains(names, n.Variant) {
				t.Errorf("%s: narrates seed %d of variant %q, which the lesson does not have (%v)", l.ID, n.Seed, n.Variant, names)
			}
		}
		var keys []string
		for k := range l.Text.Variants {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !slices.Contains(names, k) {
				t.Errorf("%s: the text has words for variant %q, which the lesson does not have", l.ID, k)
			}
		}
		for _, v := range names {
			vt := l.Text.Variants[v]
			if vt.Held == "" {
				t.Errorf("%s/%s: no held text: what does a pass mean for this variant?", l.ID, v)
			}
			if !l.IsCorrect(v) && vt.Broke == "" {
				t.Errorf("%s/%s: no broke text for a buggy variant", l.ID, v)
			}
			if l.VerdictText(v, false) == "" || l.VerdictText(v, true) == "" {
				t.Errorf("%s/%s: the workbench would have nothing to say beside a verdict", l.ID, v)
			}
			// The held text of a buggy variant must not claim the design is
			// correct, and no variant text may quote a run's numbers.
			if digits := regexp.MustCompile(`\d+(\.\d+)? ?(s|ms)\b|\bseed \d`); digits.MatchString(vt.Held+vt.Broke) &&
				!strings.Contains(vt.Held+vt.Broke, "400 ms") {
				t.Errorf("%s/%s: variant text quotes a run's numbers: %q", l.ID, v, digits.FindString(vt.Held+vt.Broke))
			}
		}
	}
}

func TestVerdictTextSaysAFixThatFailedIsUnexpected(t *testing.T) {
	t.Parallel()
	l, err := Get("split-brain")
	if err != nil {
		t.Fatal(err)
	}
	if got := l.VerdictText("fixed", false); got != brokeUnexpectedly {
		t.Errorf("fixed failing: %q", got)
	}
	if got := l.VerdictText("", false); got != l.Text.Variants["lowest-id"].Broke || got == "" {
		t.Errorf("default variant failing: %q", got)
	}
	if got := l.VerdictText("fixed", true); got != l.Text.Variants["fixed"].Held || got == "" {
		t.Errorf("fixed holding: %q", got)
	}
	if l.VerdictText("lowest-id", true) == l.VerdictText("lowest-id", false) {
		t.Error("a pass and a failure of the buggy variant say the same")
	}
}

// FuzzParseTextQuestions: whatever it accepts, every question's answer
// names one of its choices, and that choice is unique.
func FuzzParseTextQuestions(f *testing.F) {
	f.Add(frontMatter("predict:\n  q: Q?\n  choices:\n    - a\n    - b, c\n  answer: b, c\n"))
	f.Add(frontMatter("quiz:\n  - q: Q?\n    choices: [a, b]\n    answer: a\n"))
	f.Add(frontMatter("quiz:\n  - q: Q?\n    choices:\n      - \"0\"\n      - \"1\"\n    answer: \"1\"\nafter_first_run:\n  - The fix\n"))
	f.Add(frontMatter("variants:\n  v:\n    held: ok\nnarrates:\n  - seed: 2\n    variant: v\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		txt, err := ParseText(b)
		if err != nil {
			return
		}
		for _, q := range append([]Question{txt.Predict}, txt.Quiz...) {
			if q.Q == "" && len(q.Choices) == 0 {
				continue
			}
			if q.Right() == "" {
				t.Fatalf("accepted %+v with no right choice", q)
			}
			n := 0
			for _, c := range q.Choices {
				if c == q.Right() {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("accepted an answer that %d choices say: %+v", n, q)
			}
		}
		if len(txt.AfterFirstRun) == 0 && txt.After() != "" {
			t.Fatalf("nothing is hidden, yet the first run reveals %q", txt.After())
		}
		for _, sec := range txt.Sections() {
			if sec.Title == "" {
				continue
			}
			head := "## " + sec.Title + "\n"
			if strings.Contains(txt.Before(), head) == strings.Contains(txt.After(), head) {
				t.Fatalf("section %q is shown both before and after the first run, or never", sec.Title)
			}
		}
	})
}

// Every variant that declares the faults it tolerates has the text say so,
// in the words Tolerance builds from the declaration — a correct variant
// under "The fix" and beside a pass, a buggy one wherever its text puts
// it — and no placeholder is left unexpanded.
func TestTextsSayWhatEachVariantToleratesFromItsDeclaration(t *testing.T) {
	t.Parallel()
	for _, l := range All() {
		body := l.Text.Body
		if m := tolerancePlaceholder.FindString(body); m != "" || strings.Contains(body, "{{") {
			t.Errorf("%s: a placeholder is left in the text (%q): does it name a variant that declares what it tolerates?", l.ID, m)
		}
		var said []string
		for _, v := range l.Variants() {
			s := Tolerance(v)
			if l.IsCorrect(v.Name) && s == "" {
				t.Errorf("%s/%s: a correct variant that declares no fault it tolerates", l.ID, v.Name)
				continue
			}
			if s == "" {
				continue
			}
			if strings.Contains(body, s) {
				said = append(said, v.Name)
			} else if !sameTolerance(l, v, body) {
				t.Errorf("%s/%s: the text does not say what the variant tolerates (add {{tolerates %s}})", l.ID, v.Name, v.Name)
			}
			if l.IsCorrect(v.Name) && !strings.HasSuffix(l.VerdictText(v.Name, true), ToleranceBrief(v)) {
				t.Errorf("%s/%s: the held text does not end with what it tolerates: %q", l.ID, v.Name, l.VerdictText(v.Name, true))
			}
		}
		if l.HasFix() && !slices.Contains(said, "fixed") && !strings.Contains(l.Text.Section("The fix"), "declares the same") {
			t.Errorf("%s: \"The fix\" does not say what the fix tolerates", l.ID)
		}
	}
}

// sameTolerance: the body states, for another variant with the very same
// declaration, what it tolerates, and says that v "declares the same".
func sameTolerance(l *Lesson, v toydb.Variant, body string) bool {
	for _, o := range l.Variants() {
		if o.Name != v.Name && slices.Equal(o.Tolerates, v.Tolerates) && strings.Contains(body, Tolerance(o)) &&
			strings.Contains(body, "`"+v.Name+"` is the same design, and declares the same") {
			return true
		}
	}
	return false
}

func TestToleranceNamesWhatIsAndIsNotTolerated(t *testing.T) {
	t.Parallel()
	all := Tolerance(toydb.Variant{Name: "v", Tolerates: sim.AllNemeses()})
	clockless := Tolerance(toydb.Variant{Name: "v", Tolerates: sim.Nemeses(sim.NetworkNemeses, sim.ProcessNemeses)})
	some := Tolerance(toydb.Variant{Name: "v", Tolerates: []sim.Nemesis{sim.NemesisLoss, sim.NemesisPartitionBridge}})
	for _, c := range []struct {
		got       string
		want, not []string
	}{
		{all, []string{"partitions of every shape", "`clock-strobe`", "every fault faultline injects"}, []string{"does not tolerate"}},
		{clockless, []string{"`pause-leader`", "does not tolerate** clock jumps and strobing clocks (`clock`, `clock-strobe`): it is correct only while every clock tells the truth"}, []string{"every fault faultline injects"}},
		{some, []string{"a bridge (`partition-bridge`); and lost messages (`loss`)", "does not tolerate** random halves (`partition`)"}, nil},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.got, w) {
				t.Errorf("%q lacks %q", c.got, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(c.got, w) {
				t.Errorf("%q says %q", c.got, w)
			}
		}
	}
	if b := ToleranceBrief(toydb.Variant{Name: "v", Tolerates: sim.Nemeses(sim.NetworkNemeses, sim.ProcessNemeses)}); !strings.HasSuffix(b, "; not clock jumps and strobing clocks.") {
		t.Errorf("brief: %q", b)
	}
	if Tolerance(toydb.Variant{Name: "v"}) != "" || ToleranceBrief(toydb.Variant{Name: "v"}) != "" {
		t.Error("a variant that declares nothing is said to tolerate something")
	}
	// Every nemesis has words of its own.
	for _, k := range sim.AllNemeses() {
		found := false
		for _, f := range faultFamilies {
			found = found || slices.Contains(f.kinds, k) && f.each[k] != ""
		}
		if !found {
			t.Errorf("nemesis %s has no words in faultFamilies", k)
		}
	}
}

const ms = int64(1_000_000)

// mechanismNumbers ties every duration or count a text quotes for a
// design's mechanism to the constant the code runs with: change either,
// and this fails until the other follows.
var mechanismNumbers = []struct {
	lesson, says string
	code, said   int64
}{
	{"stale-replica-reads", "Every 400 ms the primary ships", toydb.ReplicationIntervalNs, 400 * ms},
	{"stale-replica-reads", "replication batch (400 ms)", toydb.ReplicationIntervalNs, 400 * ms},
	{"async-failover", "next heartbeat, every 50 ms", toydb.CoreHeartbeatNs, 50 * ms},
	{"async-failover", "a random 300 to 600 ms", toydb.CoreElectionMinNs, 300 * ms},
	{"async-failover", "a random 300 to 600 ms", toydb.CoreElectionMaxNs, 600 * ms},
	{"async-failover", "three heartbeats (150 ms)", toydb.CoreFreshNs, 150 * ms},
	{"async-failover", "three heartbeats (150 ms)", 3 * toydb.CoreHeartbeatNs, 150 * ms},
	{"async-failover", "shortest election timeout (300 ms)", toydb.CoreElectionMinNs, 300 * ms},
	{"async-failover", "longest (600 ms)", toydb.CoreElectionMaxNs, 600 * ms},
	{"split-brain", "with every heartbeat (every 50 ms)", toydb.CoreHeartbeatNs, 50 * ms},
	{"split-brain", "hears from the others every 50 ms", toydb.CoreHeartbeatNs, 50 * ms},
	{"split-brain", "not heard from for 150 ms", toydb.CoreFreshNs, 150 * ms},
	{"split-brain", "no majority for 600 ms (the longest election", toydb.CoreElectionMaxNs, 600 * ms},
	{"lease-locks", "lease** of 400 ms", toydb.LockLeaseNs, 400 * ms},
	{"lease-locks", "lease 400 ms", toydb.LockLeaseNs, 400 * ms},
	{"fsync-lies", "**fsync** every second", toydb.FsyncIntervalNs, 1000 * ms},
	{"stale-leader-reads", "heartbeats (every 50 ms)", toydb.CoreHeartbeatNs, 50 * ms},
	{"stale-leader-reads", "(a random 300 to 600 ms, measured on a timer)", toydb.CoreElectionMinNs, 300 * ms},
	{"stale-leader-reads", "(a random 300 to 600 ms, measured on a timer)", toydb.CoreElectionMaxNs, 600 * ms},
	{"stale-leader-reads", "in the last 150 ms", toydb.CoreFreshNs, 150 * ms},
	{"stale-leader-reads", "a lease lasts 200 ms", toydb.CoreLeaseNs, 200 * ms},
	{"stale-leader-reads", "helps elect no one else for 300 ms", toydb.CoreElectionMinNs, 300 * ms},
	{"stale-leader-reads", "until 200 ms after", toydb.CoreLeaseNs, 200 * ms},
	{"stale-leader-reads", "anyone else for 300 ms, the shortest election", toydb.CoreElectionMinNs, 300 * ms},
	{"stale-leader-reads", "no majority for 600 ms (the", toydb.CoreElectionMaxNs, 600 * ms},
	{"unclean-election", "heartbeats, every 50 ms", toydb.CoreHeartbeatNs, 50 * ms},
	{"unclean-election", "last 200 ms (Kafka's", toydb.CoreLagNs, 200 * ms},
	{"unclean-election", "after 200 ms of silence", toydb.CoreLagNs, 200 * ms},
	{"unclean-election", "in the last 150 ms", toydb.CoreFreshNs, 150 * ms},
	{"raft-capstone", "a random 300–600 ms", toydb.CoreElectionMinNs, 300 * ms},
	{"raft-capstone", "a random 300–600 ms", toydb.CoreElectionMaxNs, 600 * ms},
	{"raft-capstone", "every 50 ms as", toydb.CoreHeartbeatNs, 50 * ms},
	{"raft-capstone", "every 512 applied entries", toydb.CompactEvery, 512},
}

func TestMechanismNumbersAreTheCodes(t *testing.T) {
	t.Parallel()
	for _, m := range mechanismNumbers {
		l, err := Get(m.lesson)
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(learnerStrings(l), "\n")
		if !strings.Contains(strings.Join(strings.Fields(all), " "), m.says) {
			t.Errorf("%s: the text no longer says %q: update mechanismNumbers with what it says now", m.lesson, m.says)
		}
		if m.code != m.said {
			t.Errorf("%s says %q, but the code's constant is %d, not %d: make the text say what the code does", m.lesson, m.says, m.code, m.said)
		}
	}
}

// narratedAt holds the times and log lines the texts quote, each to the
// run it comes from: the fragment is in a trace event (sim.TraceEvent's
// String) within 10 ms of the time the text gives. The story tests of
// each lesson hold the rest.
var narratedAt = []struct {
	lesson, variant string
	seed            uint64
	fragment        string
	seconds         float64
}{
	{"stale-replica-reads", "", 1, "complete  c1→n2 ok write 7", 0.784},
	{"stale-replica-reads", "", 1, "complete  c1→n1 ok write 1", 1.241},
	{"stale-replica-reads", "", 1, "invoke    c2→n3 read", 1.254},
	{"stale-replica-reads", "", 1, "n1→n3 append-entries t1 prev 8/t1 [t1 write 1", 1.601},
	{"async-failover", "", 1, "complete  c2→n3 ok add 21", 2.983},
	{"async-failover", "", 1, "n3 election for term 2", 3.27},
	{"async-failover", "", 1, "n3 leads term 2", 3.28},
	{"async-failover", "", 1, "n1 truncates its log from 35 to 22: 13 entries it had counted committed are gone", 7.03},
	{"split-brain", "", 1, "n2 sees no lower id: it leads", 2.10},
	{"split-brain", "", 1, "invoke    c3→n1 cas [0 4]", 4.58},
	{"split-brain", "", 1, "n2 truncates its log from 27 to 12: 15 entries it had counted committed are gone", 5.0},
	{"sloppy-quorums", "sloppy", 1, "complete  c1→n4 ok write 0", 1.39},
	{"sloppy-quorums", "sloppy", 1, "n4→n2 handoff 0", 1.59},
	{"sloppy-quorums", "quorum", 4, "complete  c2→n3 ok read 4", 3.32},
	{"lease-locks", "", 2, "n1 lease of token 15 expired: n3 no longer holds the lock", 1.84},
	{"lease-locks", "", 2, "nemesis resumed n3", 2.9},
	{"lease-locks", "check-lease", 2, "deliver   #355 n1→n5 grant token 37", 7.42},
	{"lease-locks", "check-lease", 2, "n5 done computing", 7.48},
	{"lease-locks", "check-lease", 2, "nemesis paused n5", 7.5},
	{"lease-locks", "check-lease", 2, "lease of token 37 expired", 7.81},
	{"lease-locks", "check-lease", 2, "storage-write 38 (op 1.12, token 42)", 8.74},
	{"lease-locks", "check-lease", 2, "n5→n2 storage-write 36 (op 1.13, token 37)", 8.9},
	{"fsync-lies", "", 1, "n1 fsync: entries up to 40 reach the disk", 5.75},
	{"fsync-lies", "", 1, "complete  c1→n1 ok write 42", 5.74},
	{"fsync-lies", "", 1, "n1 crash lost 9 unsynced disk writes", 6.6},
	{"stale-leader-reads", "", 1, "complete  c1→n3 ok write 11", 1.80},
	{"stale-leader-reads", "", 1, "n3 election for term 2", 2.46},
	{"stale-leader-reads", "", 1, "complete  c3→n2 ok write 18", 3.53},
	{"stale-leader-reads", "", 1, "invoke    c3→n1 read", 3.68},
	{"stale-leader-reads", "lease", 1, "n1 read served on its lease: 1.47s left by its clock", 3.68},
	{"racy-cas", "", 8, "complete  c4→n2 ok write 25", 1.69},
	{"racy-cas", "", 8, "send      #340 n3→n1 read", 1.730},
	{"racy-cas", "", 8, "send      #341 n3→n1 read", 1.731},
	{"unclean-election", "", 1, "n1 isr n1 n2 n3 → n1", 2.2},
	{"unclean-election", "", 1, "n2 leads term 2", 2.36},
	{"unclean-election", "", 1, "complete  c3→n2 ok enqueue 19", 4.17},
	{"unclean-election", "", 1, "complete  c2→n1 ok enqueue 20", 4.26},
	{"unclean-election", "", 1, "complete  c3→n1 ok dequeue 20", 4.80},
	{"unclean-election", "", 1, "complete  c3→n3 ok dequeue 19", 5.10},
	{"unclean-election", "", 1, "n1 truncates its log from 34 to 25: 9 entries it had counted committed are gone", 5.0},
	{"unclean-election", "", 1, "complete  c3→n2 ok enqueue 62", 11.10},
	{"raft-capstone", "no-sessions", 9, "invoke    c3→n1 cas z [4 5]", 0.72},
	{"raft-capstone", "no-sessions", 9, "send      #395 c3→n1 cas z [4 5]", 1.72},
	{"raft-capstone", "no-sessions", 9, "complete  c3→n1 fail cas [4 5] (mismatch)", 2.03},
}

func TestNarratedTimesAreTheRuns(t *testing.T) {
	t.Parallel()
	traces := map[string][]sim.TraceEvent{}
	for _, n := range narratedAt {
		key := fmt.Sprintf("%s/%s/%d", n.lesson, n.variant, n.seed)
		if traces[key] == nil {
			s, _ := runSeed(t, n.lesson, n.variant, n.seed)
			traces[key] = s.Trace()
		}
		found := false
		for _, e := range traces[key] {
			if d := float64(e.Time)/1e9 - n.seconds; d > -0.01 && d < 0.01 && strings.Contains(e.String(), n.fragment) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s seed %d: the text has %q at %.2f s, which the run does not", key, n.seed, n.fragment, n.seconds)
		}
	}
}
