package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A transactional lesson's run speaks its consistency model's words, and
// its --json is check's object with the run's fields.
func TestRunTxnLessonVerdicts(t *testing.T) {
	for _, c := range []struct {
		args    []string
		code    int
		verdict string
		anomaly string
	}{
		{[]string{"run", "--lesson", "write-skew", "--seed", "3", "--json"}, exitFailed, "not-serializable", "G2-item"},
		{[]string{"run", "--lesson", "write-skew", "--seed", "3", "--variant", "fixed", "--json"}, exitOK, "serializable", ""},
		{[]string{"run", "--lesson", "dirty-reads", "--seed", "1", "--json"}, exitFailed, "not-read-committed", "G1a"},
		{[]string{"run", "--lesson", "lost-update", "--seed", "1", "--json"}, exitFailed, "not-snapshot-isolation", "lost-update"},
	} {
		code, out, errs := cli(t, c.args...)
		if code != c.code {
			t.Fatalf("%v: exit %d, want %d: %s", c.args, code, c.code, errs)
		}
		var j txnRunJSON
		if err := json.Unmarshal([]byte(out), &j); err != nil {
			t.Fatal(err, out)
		}
		if j.Verdict != c.verdict || j.AnomalyType != c.anomaly || j.Lesson != c.args[2] || j.Seed == 0 || j.Ops == 0 || j.VirtualNs == 0 {
			t.Errorf("%v: verdict %q anomaly %q lesson %q seed %d ops %d", c.args, j.Verdict, j.AnomalyType, j.Lesson, j.Seed, j.Ops)
		}
		if c.code == exitFailed && (len(j.Witness) == 0 || !strings.Contains(j.Explanation, j.Anomaly)) {
			t.Errorf("%v: the failure is not explained: %s", c.args, j.Explanation)
		}
	}
	code, out, _ := cli(t, "run", "--lesson", "write-skew", "--seed", "3")
	if code != exitFailed || !strings.Contains(out, "NOT serializable") || !strings.Contains(out, "write skew") || strings.Contains(out, "linearizable") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
}

// --out writes the history as Jepsen writes it, and check reads it back
// to the same verdict.
func TestRunTxnOutChecksAgain(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"skew.edn", "skew.jsonl"} {
		path := filepath.Join(dir, name)
		if code, _, errs := cli(t, "run", "--lesson", "write-skew", "--seed", "3", "--out", path); code != exitFailed {
			t.Fatalf("run --out %s: exit %d: %s", name, code, errs)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, ".edn") && (!strings.Contains(string(b), `[:append "k5" 5]`) || !strings.Contains(string(b), ":f :txn")) {
			t.Errorf("%s is not Jepsen's transactional EDN: %.300s", name, b)
		}
		code, out, errs := cli(t, "check", path, "--model", "list-append", "--consistency", "serializable", "--json")
		var j txnJSON
		if err := json.Unmarshal([]byte(out), &j); err != nil || code != exitFailed {
			t.Fatalf("check %s: exit %d %v: %s", name, code, err, errs)
		}
		if j.Verdict != "not-serializable" || !slices.Contains(j.AnomalyTypes, "G2-item") {
			t.Errorf("check %s: %+v", name, j)
		}
	}
}

func TestRunTxnRefusesHTML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.html")
	code, _, errs := cli(t, "run", "--lesson", "write-skew", "--html", path)
	if code != exitUsage || !strings.Contains(errs, "--html") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the refused page was written")
	}
}

func TestHuntTxnLessonWords(t *testing.T) {
	code, out, _ := cli(t, "hunt", "--lesson", "lost-update", "--variant", "fixed", "--seeds", "1-5")
	if code != exitOK || !strings.Contains(out, "every history satisfied snapshot isolation") {
		t.Errorf("exit %d\n%s", code, out)
	}
	code, out, _ = cli(t, "hunt", "--lesson", "lost-update", "--seeds", "1-3", "--json")
	var j huntJSON
	if err := json.Unmarshal([]byte(out), &j); err != nil || code != exitFailed || j.Verdict != "not-snapshot-isolation" || len(j.FailingSeeds) != 3 {
		t.Errorf("exit %d %v: %s", code, err, out)
	}
	code, out, _ = cli(t, "lessons", "--json")
	var ls []lessonJSON
	if err := json.Unmarshal([]byte(out), &ls); err != nil || code != exitOK {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.ID == "write-skew" && (l.Model != "list-append" || l.Consistency != "serializable") {
			t.Errorf("write-skew listed as %s / %s", l.Model, l.Consistency)
		}
	}
}
