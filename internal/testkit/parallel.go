package testkit

import (
	"flag"
	"fmt"
)

// WallClockParallel, called from a TestMain before m.Run, lets n parallel
// tests run at once unless -parallel was given: for packages whose tests
// spend their time waiting on the wall clock (real processes, tmux,
// playback in real time), not the CPU, where -parallel's default of one
// per CPU leaves the CPUs idle.
func WallClockParallel(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", fmt.Sprint(n))
	}
}
