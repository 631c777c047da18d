package lessons

import (
	"strings"
	"testing"
)

var requiredSections = []string{"What the system promises", "What to try", "Predict", "What happened", "Why", "The fix", "In the wild", "Quiz"}

func TestEveryLessonIsWhole(t *testing.T) {
	t.Parallel()
	all := All()
	if len(all) < 2 {
		t.Fatalf("only %d lessons registered", len(all))
	}
	for i, l := range all {
		if l.Number != i+1 {
			t.Errorf("lesson %s has number %d, want %d (numbers run 1, 2, 3, ...)", l.ID, l.Number, i+1)
		}
		if l.Text.Number != l.Number {
			t.Errorf("%s: text says number %d, registry %d", l.ID, l.Text.Number, l.Number)
		}
		for _, s := range requiredSections {
			if l.Text.Section(s) == "" {
				t.Errorf("%s: text has no %q section", l.ID, s)
			}
		}
		if l.Text.Predict.Q == "" || len(l.Text.Quiz) < 2 {
			t.Errorf("%s: want a prediction question and two or more quiz questions", l.ID)
		}
		if n := len([]rune(l.Summary)); n > 72 {
			t.Errorf("%s: summary is %d characters; the picker shows 72 at 80 columns", l.ID, n)
		}
		if l.Summary == "" || l.Title == "" || l.Model == "" || l.Workload == nil {
			t.Errorf("%s: title, summary, model and workload are all needed", l.ID)
		}
		if l.Number > 1 && len(l.Buggy()) == 0 {
			t.Errorf("%s: every variant is correct: what bug does it show?", l.ID)
		}
		if l.Number > 1 && !l.HasFix() {
			t.Errorf("%s: no variant named fixed", l.ID)
		}
		if _, err := l.Scenario(Options{Seed: 1}); err != nil {
			t.Errorf("%s: default scenario: %v", l.ID, err)
		}
	}
}

func TestGetUnknownLessonNamesTheKnownOnes(t *testing.T) {
	t.Parallel()
	_, err := Get("no-such-lesson")
	if err == nil || !strings.Contains(err.Error(), "stale-replica-reads") {
		t.Fatalf("got %v", err)
	}
	if l, err := Get("2"); err != nil || l.ID != "stale-replica-reads" {
		t.Fatalf("by number: %v %v", l, err)
	}
}

func TestParseTextErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"no front matter":     "# hello",
		"unclosed":            "---\nid: x\n",
		"bad yaml":            "---\nid: [x\n---\nbody",
		"no title":            "---\nid: x\n---\nbody",
		"answer out of range": "---\nid: x\ntitle: T\npredict:\n  q: Q?\n  choices: [a, b]\n  answer: 5\n---\nbody",
	}
	for name, in := range cases {
		if _, err := ParseText([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	txt, err := ParseText([]byte("---\nid: x\ntitle: T\n---\n## Why\nbecause\n## Quiz\nq"))
	if err != nil || txt.Section("why") != "because" || txt.Section("Nothing") != "" {
		t.Fatalf("%+v %v", txt, err)
	}
}

func FuzzParseText(f *testing.F) {
	f.Add([]byte("---\nid: x\ntitle: T\n---\n## Why\nbecause"))
	f.Add([]byte("---\nid: x\ntitle: T\nquiz:\n - q: a\n   choices: [1,2]\n---\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		txt, err := ParseText(b)
		if err == nil && (txt.ID == "" || txt.Title == "") {
			t.Fatal("accepted a text without id or title")
		}
	})
}
