package testkit

import (
	"flag"
	"strconv"
	"testing"
)

// The settings a package's TestMain makes before m.Run.

// WallClockParallel lets n parallel tests run at once unless -parallel was
// given: for packages whose tests spend their time waiting on the wall
// clock (real processes, tmux, playback in real time), not the CPU, where
// -parallel's default of one per CPU leaves the CPUs idle.
func WallClockParallel(n int) {
	parse()
	if !given("test.parallel") {
		flag.Set("test.parallel", strconv.Itoa(n))
	}
}

// RaceShortRuns runs, under -race -short (the race run of .ci/run) and
// unless -run was given, only the tests pattern names: those that start
// goroutines. The others run on the test's goroutine alone, where the race
// detector has nothing to find, and the plain run covers them.
func RaceShortRuns(pattern string) {
	parse()
	if Race && testing.Short() && !given("test.run") {
		flag.Set("test.run", pattern)
	}
}

func parse() {
	if !flag.Parsed() {
		flag.Parse()
	}
}

func given(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
