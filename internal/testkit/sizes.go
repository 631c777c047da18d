package testkit

import (
	"os"
	"testing"
)

// Long reports whether FAULTLINE_LONG=1 asks for the long runs: the whole
// seed sweeps and the big inputs (docs/DESIGN.md, "Tests").
func Long() bool { return os.Getenv("FAULTLINE_LONG") == "1" }

// Sweep is how many seeds or cases a sweep tries: short under -short (the
// race run of .ci/run, which needs the goroutines, not the count), normal
// in the normal suite, long with FAULTLINE_LONG=1.
func Sweep[N ~int | ~uint64](short, normal, long N) N {
	switch {
	case Long():
		return long
	case testing.Short():
		return short
	}
	return normal
}
