package testkit

import (
	"os"
	"runtime/debug"
)

// LessGC lets a test binary's heap grow to five times what it keeps
// (GOGC=400) under a 1 GiB limit, unless GOGC or GOMEMLIMIT says
// otherwise: the tests allocate much and keep little, and the default
// spends a sixth of the suite's CPU collecting. The Go programs the tests
// start (the faultline program, the example nodes) inherit the setting
// through the environment: what they do is the same, at less CPU.
func LessGC() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(1 << 30)
		os.Setenv("GOGC", "400")
		os.Setenv("GOMEMLIMIT", "1GiB")
	}
}
