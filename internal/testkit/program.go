// Package testkit holds what the tests of several packages share: the
// module's programs built once (Program); the sizes of runs and sweeps
// (Long, Sweep); and the TestMain settings (WallClockParallel,
// RaceShortRuns, LessGC), with Race, whether the race detector is on.
package testkit

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
)

var built sync.Map // pkg → *entry

type entry struct {
	once sync.Once
	path string
	err  error
}

// Program returns the path of the built main package pkg (the faultline
// command, an example node), named as `go run` takes it: relative to the
// working directory, or an import path. The go command builds it and keeps
// it in its build cache (`go run` caches the executables it builds, from
// Go 1.24), so the test binaries of one `go test ./...` share one build of
// each program, later runs reuse it until a source changes, and nothing is
// left to clean up: the go command trims its cache. Each package is asked
// for once per process.
func Program(pkg string) (string, error) {
	v, _ := built.LoadOrStore(pkg, &entry{})
	e := v.(*entry)
	e.once.Do(func() { e.path, e.err = locate(pkg) })
	return e.path, e.err
}

// locate asks `go run -exec echo` where the program is: the go command
// builds it if it must and prints the executable's path instead of running
// it. The first build runs from a temporary folder the go command removes
// as it exits (having cached the executable); asked again, it names the
// cached one.
func locate(pkg string) (string, error) {
	for range 2 {
		var out, errb bytes.Buffer
		cmd := exec.Command("go", "run", "-exec", "echo", pkg)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("go run %s: %v\n%s", pkg, err, errb.String())
		}
		path := strings.TrimSpace(out.String())
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("go run %s: the go command kept no executable in its build cache (Go 1.24 and later do)", pkg)
}
