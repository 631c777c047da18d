package maelstrom

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// Running reports whether a process runs: it exists and is not a zombie
// (a killed process whose parent has not yet reaped it). It is how a test,
// or a careful caller, sees that nothing of a run is left.
func Running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	if err != nil { // no /proc: ask the kernel
		return syscall.Kill(pid, 0) == nil
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}

// WaitGone waits up to timeout for every process to be gone and returns
// the first still running, or 0.
func WaitGone(pids []int, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	for _, p := range pids {
		for Running(p) {
			if time.Now().After(deadline) {
				return p
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return 0
}
