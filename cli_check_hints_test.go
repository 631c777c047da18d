package main

import (
	"path/filepath"
	"testing"
)

// A new user's first mistakes with check: one of faultline's own other
// files, or a history whose model the guess got wrong. The message says
// what the file is and what to run instead.
func TestCheckHintsAtTheRightCommand(t *testing.T) {
	sequential(t)
	dir := t.TempDir()
	run := inDir(t, dir)
	if r := run("run", "--lesson", "write-skew", "--seed", "3", "--out", "skew.edn", "--out-scenario", "run.json"); r.code != exitFailed {
		t.Fatalf("the write-skew run: exit %d, %s %s", r.code, clip(r.stdout), r.stderr)
	}
	writeFile(t, filepath.Join(dir, "bc.jsonl"), `{"process":0,"type":"invoke","f":"broadcast","value":1}`+"\n"+`{"process":0,"type":"ok","f":"broadcast","value":1}`+"\n")
	writeFile(t, filepath.Join(dir, "node.json"), `{"note":"n","config":{"workload":"lin-kv"},"history":[]}`)
	cases := []struct {
		file, want string
	}{
		{"run.json", "run.json is a scenario file, not a history: replay it with go run . run --scenario run.json"},
		{"node.json", "node.json is a node run's record, not a history: check it again with go run . node --scenario node.json"},
		{"skew.edn", "a transactional history wants --model list-append or --model rw-register"},
		{"bc.jsonl", "checked by the node command: go run . node --scenario FILE"},
	}
	for _, c := range cases {
		args := []string{"check", c.file}
		r := run(args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d", args, r.code)
		}
		oneLineError(t, args, r.stderr, c.want)
	}
	// Named explicitly, the model is not second-guessed.
	if r := run("check", "skew.edn", "--model", "list-append", "--consistency", "snapshot-isolation"); r.code != exitOK {
		t.Errorf("skew.edn under snapshot isolation: exit %d, %s %s", r.code, clip(r.stdout), r.stderr)
	}
}
