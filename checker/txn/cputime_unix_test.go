//go:build unix

package txn

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used, so that benchmarks can
// report work done apart from time spent waiting on a busy machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
