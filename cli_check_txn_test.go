package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeSkew is two transactions that each read a key empty and append to
// the other: write skew, which snapshot isolation allows and
// serializability forbids.
const writeSkew = `{"index":0,"process":0,"type":"invoke","f":"txn","value":[["r","x",null],["append","y",1]]}
{"index":1,"process":1,"type":"invoke","f":"txn","value":[["r","y",null],["append","x",1]]}
{"index":2,"process":0,"type":"ok","f":"txn","value":[["r","x",[]],["append","y",1]]}
{"index":3,"process":1,"type":"ok","f":"txn","value":[["r","y",[]],["append","x",1]]}
`

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckTxnVerdicts(t *testing.T) {
	f := writeTemp(t, "skew.jsonl", writeSkew)
	for _, c := range []struct {
		args    []string
		code    int
		verdict string
	}{
		{[]string{"check", f, "--model", "list-append", "--json"}, exitFailed, "not-strict-serializable"},
		{[]string{"check", "--model=list-append", f, "--consistency", "serializable", "--json"}, exitFailed, "not-serializable"},
		{[]string{"check", f, "--model", "list-append", "--consistency", "snapshot-isolation", "--json"}, exitOK, "snapshot-isolation"},
		{[]string{"check", f, "--model", "list-append", "--consistency", "PL-SI", "--json"}, exitOK, "snapshot-isolation"},
	} {
		code, out, errs := cli(t, c.args...)
		if code != c.code {
			t.Fatalf("%v: exit %d, want %d: %s", c.args, code, c.code, errs)
		}
		var j txnJSON
		if err := json.Unmarshal([]byte(out), &j); err != nil {
			t.Fatal(err, out)
		}
		if j.Verdict != c.verdict || !slices.Contains(j.AnomalyTypes, "G2-item") || !slices.Equal(j.Not, []string{"repeatable-read"}) {
			t.Fatalf("%v: %+v", c.args, j)
		}
		if code == exitFailed && (j.AnomalyType != "G2-item" || j.Anomaly != "write skew" || len(j.Witness) != 4 || !strings.Contains(j.Explanation, "write skew")) {
			t.Fatalf("%v: the failure is not explained: %+v", c.args, j)
		}
		if len(j.Anomalies) == 0 || len(j.Anomalies[0].Steps) != 2 || j.Anomalies[0].Steps[0].Type != "rw" {
			t.Fatalf("%v: anomalies %+v", c.args, j.Anomalies)
		}
	}
	// Text names the verdict and the anomaly.
	code, out, _ := cli(t, "check", f, "--model", "list-append")
	if code != exitFailed || !strings.Contains(out, "NOT strict-serializable") || !strings.Contains(out, "write skew (G2-item)") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestCheckTxnRWRegisterAndUnknown(t *testing.T) {
	ok := writeTemp(t, "ok.edn", `{:process 0 :type :invoke :f :txn :value [[:w :x 1]]}
{:process 0 :type :ok :f :txn :value [[:w :x 1]]}
{:process 1 :type :invoke :f :txn :value [[:r :x nil]]}
{:process 1 :type :ok :f :txn :value [[:r :x 1]]}
`)
	if code, out, errs := cli(t, "check", ok, "--model", "rw-register"); code != exitOK {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	// One transaction proves nothing about order: unknown, as Elle says.
	lone := writeTemp(t, "lone.edn", "{:process 0 :type :ok :f :txn :value [[:w :x 1]]}\n")
	if code, out, _ := cli(t, "check", lone, "--model", "rw-register", "--json"); code != exitUnknown || !strings.Contains(out, `"empty-transaction-graph"`) {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestCheckTxnBadInput(t *testing.T) {
	f := writeTemp(t, "skew.jsonl", writeSkew)
	dup := writeTemp(t, "dup.edn", "{:process 0 :type :ok :f :txn :value [[:append :x 1]]}\n{:process 1 :type :ok :f :txn :value [[:append :x 1]]}\n")
	bad := writeTemp(t, "bad.edn", "{:process 0 :type :ok :f :txn :value [[:append :x 1]\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"check", f, "--model", "list-append", "--consistency", "linearizable"}, `unknown consistency model "linearizable"`},
		{[]string{"check", f, "--model", "rw-register"}, "is this a list-append history?"},
		{[]string{"check", dup, "--model", "list-append"}, "appended twice, by the transactions at index 0 and index 1"},
		{[]string{"check", bad, "--model", "list-append"}, "bad.edn"},
		{[]string{"check", f, f, "--model", "list-append"}, "want one history file"},
	} {
		code, out, errs := cli(t, c.args...)
		if code != exitUsage || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want 2 and %q", c.args, code, errs, out, c.want)
		}
	}
	if code, out, _ := cli(t, "check", "--model", "list-append", "--help"); code != exitOK || !strings.Contains(out, "-consistency") {
		t.Fatalf("help: exit %d\n%s", code, out)
	}
}
