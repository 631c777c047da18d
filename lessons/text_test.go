package lessons

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
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
