package testkit

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestProgramIsBuiltOnceAndRuns(t *testing.T) {
	path, err := Program("../../examples/nodes/hello")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := Program("../../examples/nodes/hello"); err != nil || again != path {
		t.Fatalf("asked again: %q, %v; want %q", again, err, path)
	}
	if st, err := os.Stat(path); err != nil || st.Mode()&0o111 == 0 {
		t.Fatalf("%s: %v, mode %v: want an executable", path, err, st.Mode())
	}
	// The node waits for Maelstrom's messages on its input: with none, it
	// ends without complaint.
	if out, err := exec.Command(path).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, out)
	}
}

func TestProgramNamesWhatWouldNotBuild(t *testing.T) {
	_, err := Program("./no-such-package")
	if err == nil || !strings.Contains(err.Error(), "no-such-package") {
		t.Fatalf("got %v, want an error naming the package", err)
	}
}

func TestWallClockParallelKeepsWhatWasGiven(t *testing.T) {
	f := flag.Lookup("test.parallel")
	given := false
	flag.Visit(func(g *flag.Flag) { given = given || g == f })
	before := f.Value.String()
	defer f.Value.Set(before)
	WallClockParallel(8)
	want := "8"
	if given {
		want = before
	}
	if got := f.Value.String(); got != want {
		t.Fatalf("-test.parallel %s (given %v, was %s), want %s", got, given, before, want)
	}
}

func TestRaceShortRunsOnlyUnderRaceShort(t *testing.T) {
	f := flag.Lookup("test.run")
	before := f.Value.String()
	defer f.Value.Set(before)
	given := false
	flag.Visit(func(g *flag.Flag) { given = given || g == f })
	RaceShortRuns("^TestNothing$")
	want := before
	if Race && testing.Short() && !given {
		want = "^TestNothing$"
	}
	if got := f.Value.String(); got != want {
		t.Fatalf("-test.run %q (race %v, short %v, given %v), want %q", got, Race, testing.Short(), given, want)
	}
}

func TestSweepFollowsTheMode(t *testing.T) {
	want := 2
	switch {
	case Long():
		want = 3
	case testing.Short():
		want = 1
	}
	if got := Sweep(1, 2, 3); got != want {
		t.Fatalf("Sweep(1, 2, 3) = %d (long %v, short %v), want %d", got, Long(), testing.Short(), want)
	}
	t.Setenv("FAULTLINE_LONG", "1")
	if !Long() || Sweep[uint64](1, 2, 3) != 3 {
		t.Fatal("FAULTLINE_LONG=1 is not long")
	}
	t.Setenv("FAULTLINE_LONG", "yes")
	if Long() {
		t.Fatal("FAULTLINE_LONG=yes is long: only 1 is")
	}
}

// A program's path is kept between processes under its build's key and
// used from there; a kept path that no longer names an executable is not
// used, and the go command's answer is kept again.
func TestProgramIsRememberedBetweenProcesses(t *testing.T) {
	const pkg = "../../examples/nodes/hello"
	key, err := buildKey(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if other, err := buildKey("../../examples/nodes/kv"); err != nil || other == key {
		t.Fatalf("two programs share a key: %s (%v)", key, err)
	}
	dir := t.TempDir() // memos of this test's own
	path, err := rememberedIn(dir, pkg)
	if err != nil {
		t.Fatal(err)
	}
	memo := filepath.Join(dir, key)
	if b, err := os.ReadFile(memo); err != nil || string(b) != path {
		t.Fatalf("memo %s: %q, %v; want %q", memo, b, err, path)
	}
	// A kept executable is used as it is, without the go command.
	kept := filepath.Join(t.TempDir(), "kept")
	if err := os.WriteFile(kept, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	keep(memo, kept)
	if got, err := rememberedIn(dir, pkg); err != nil || got != kept {
		t.Fatalf("with a memo naming %s: %q, %v", kept, got, err)
	}
	keep(memo, filepath.Join(t.TempDir(), "gone"))
	if again, err := rememberedIn(dir, pkg); err != nil || again != path {
		t.Fatalf("with a memo naming no file: %q, %v; want the go command's %q", again, err, path)
	}
	if b, _ := os.ReadFile(memo); string(b) != path {
		t.Errorf("the memo naming no file was not written again: %q", b)
	}
}
