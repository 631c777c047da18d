package checker

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/history"
)

// Real histories from Knossos and porcupine, with the verdicts their own
// test suites assert (see testdata/README.md). A disagreement is a bug in
// our readers or models, never a reason to edit an expectation.

func readTSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			rows = append(rows, strings.Split(line, "\t"))
		}
	}
	return rows
}

// knossosOptions maps expected.tsv's model column to checker options.
func knossosOptions(t *testing.T, model string) (Options, bool) {
	switch {
	case model == "cas-register, initial value 0":
		return Options{Model: "cas-register", Init: int64(0)}, true
	case model == "multi-register, x=0 y=0":
		return Options{Model: "multi-register", Init: map[string]any{"x": int64(0), "y": int64(0)}}, true
	case model == "mutex":
		return Options{Model: "lock"}, true
	}
	t.Errorf("unknown model column %q", model)
	return Options{}, false
}

func TestKnossosHistories(t *testing.T) {
	t.Parallel()
	rows := readTSV(t, "testdata/knossos/expected.tsv")
	if len(rows) < 120 {
		t.Fatalf("expected.tsv has only %d rows", len(rows))
	}
	for i, row := range rows {
		path, expect, model := row[0], row[1], row[2]
		t.Run(path, func(t *testing.T) {
			if !inSample(i, false) {
				t.Skip("-short: a quarter of the corpus")
			}
			h, format, err := history.ReadFile(filepath.Join("testdata/knossos", path), "auto")
			if err != nil {
				t.Fatal(err)
			}
			if format != history.FormatEDN {
				t.Errorf("detected %s, want edn", format)
			}
			opts, ok := knossosOptions(t, model)
			if !ok {
				return
			}
			res := mustCheck(t, h, opts)
			switch expect {
			case "true":
				if res.Verdict != Linearizable {
					t.Fatalf("got %s (%s: %s), Knossos expects valid", res.Verdict, res.Anomaly, res.Explanation)
				}
			case "false":
				if res.Verdict != NotLinearizable {
					t.Fatalf("got %s, Knossos expects invalid", res.Verdict)
				}
				assertMinimalWitness(t, h, res, opts)
				if res.Anomaly == "" || res.Explanation == "" || res.Failing == nil {
					t.Errorf("failure without anomaly, explanation or failing op: %+v", res)
				}
			case "unasserted":
				if res.Verdict == Unknown {
					t.Fatalf("unknown")
				}
				assertMinimalWitness(t, h, res, opts)
			default:
				t.Fatalf("bad expectation %q", expect)
			}
		})
	}
}

func TestPorcupineHistories(t *testing.T) {
	t.Parallel()
	dir := porcupineDir(t)
	rows := readTSV(t, "testdata/porcupine-expected.tsv")
	seen := 0
	for i, row := range rows {
		path, expect := row[0], row[1]
		name := path + " " + row[2]
		t.Run(name, func(t *testing.T) {
			// Under -short the key-value histories of 1 and 10 clients,
			// which the search splits in parts it checks at once, are all
			// in the sample, once each (porcupine's no-partition rows name
			// the same files, and this checker has one way to check them).
			// The 50 clients' split the same way and are left to the full
			// run: 5 s under -race.
			kv := strings.Contains(path, "/kv/") && !strings.Contains(path, "/c50-") && !strings.Contains(row[2], "NoPartition")
			if !inSample(i, kv) {
				t.Skip("-short: a quarter of the corpus")
			}
			h, format, err := history.ReadFile(filepath.Join(dir, path), "auto")
			if expect != "true" && expect != "false" {
				// etcd_095.log is empty: its cluster never started.
				if err == nil {
					t.Fatalf("reading an empty file with --format auto: want a clear error")
				}
				h, _, err = history.ReadFile(filepath.Join(dir, path), history.FormatEtcdLog)
				if err != nil || len(h) != 0 {
					t.Fatalf("empty etcd log: %v, %d records", err, len(h))
				}
				if res := mustCheck(t, h, Options{Model: "cas-register"}); res.Verdict != Linearizable || res.Ops != 0 {
					t.Fatalf("empty history: %+v", res)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			seen++
			model, init := FormatDefaults(format)
			if model == "" {
				t.Fatalf("format %s has no default model", format)
			}
			// A minute, not the default 10 s: a busy machine under -race is slow.
			opts := Options{Model: model, Init: init, Timeout: time.Minute}
			res := mustCheck(t, h, opts)
			want := map[string]Verdict{"true": Linearizable, "false": NotLinearizable}[expect]
			if res.Verdict != want {
				t.Fatalf("got %s, porcupine's %s expects %s", res.Verdict, row[2], want)
			}
			if strings.Contains(path, "/kv/") && res.Partitions < 2 {
				t.Errorf("kv history checked in %d partitions", res.Partitions)
			}
			if res.Verdict == NotLinearizable && !testing.Short() {
				assertMinimalWitness(t, h, res, opts)
			}
		})
	}
	if want := sweep(25, 110, 110); seen < want {
		t.Errorf("only %d histories checked, want %d or more", seen, want)
	}
}

func TestCancelKnossosPromptly(t *testing.T) {
	t.Parallel()
	h, _, err := history.ReadFile("testdata/knossos/data/cas-register/bad/cas-failure.edn", "auto")
	if err != nil {
		t.Fatal(err)
	}
	// The cancel once raced the verdict (the context's AfterFunc ran after
	// the check had decided), about one run in a hundred: try it often.
	for try := 0; try < 200; try++ {
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		res, err := Check(ctx, h, Options{Model: "cas-register", Init: int64(0), Progress: func(done, total int) {
			calls++
			cancel()
		}})
		if err != nil {
			t.Fatal(err)
		}
		if calls == 0 || res.Verdict != Unknown {
			t.Fatalf("try %d: progress called %d times; verdict %s, want unknown after cancel", try, calls, res.Verdict)
		}
	}
}
