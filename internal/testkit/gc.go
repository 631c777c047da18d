package testkit

import (
	"os"
	"runtime/debug"
)

// LessGC lets a test binary's heap grow to five times what it keeps
// (GOGC=400) under a 1 GiB limit, unless GOGC or GOMEMLIMIT says
// otherwise: the tests allocate much and keep little, and the default
// spends a sixth of the suite's CPU collecting.
func LessGC() {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(400)
		debug.SetMemoryLimit(1 << 30)
	}
}
