// Package testkit holds what the tests of several packages share: the
// module's programs built once (Program); the sizes of runs and sweeps
// (Long, Sweep); and the TestMain settings (WallClockParallel,
// RaceShortRuns, LessGC), with Race, whether the race detector is on.
package testkit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

var built sync.Map // pkg → *entry

type entry struct {
	once sync.Once
	path string
	err  error
}

// Program returns the path of the built main package pkg (an example
// node, any command of the module), named as `go run` takes it: relative to the
// working directory, or an import path. The go command builds it and keeps
// it in its build cache (`go run` caches the executables it builds, from
// Go 1.24), so the test binaries of one `go test ./...` share one build of
// each program, later runs reuse it until a source changes, and the go
// command trims its cache. Each package is asked for once per process, and
// the answer is kept for the next processes (remembered): a memo a source
// state, in the user's cache folder, removed a week on when a new one is
// written.
func Program(pkg string) (string, error) {
	v, _ := built.LoadOrStore(pkg, &entry{})
	e := v.(*entry)
	e.once.Do(func() { e.path, e.err = remembered(pkg) })
	return e.path, e.err
}

// remembered is locate's answer, kept between processes: asking the go
// command costs about 0.3 CPU-s even when it builds nothing (it loads and
// hashes the packages), and each test binary that runs nodes asks for
// several. The answer is kept under a key of everything a
// build reads that can change from run to run (buildKey); with no key it
// asks the go command. A kept path is used only while the executable is
// still there (the go command trims its cache). The memos live in the
// user's own cache folder, where no other user can plant a path the tests
// would run.
func remembered(pkg string) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return locate(pkg)
	}
	return rememberedIn(filepath.Join(dir, "faultline-test-programs"), pkg)
}

// rememberedIn is remembered with its memos in dir.
func rememberedIn(dir, pkg string) (string, error) {
	key, err := buildKey(pkg)
	if err != nil {
		return locate(pkg)
	}
	memo := filepath.Join(dir, key)
	if b, err := os.ReadFile(memo); err == nil {
		if st, err := os.Stat(string(b)); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return string(b), nil
		}
	}
	path, err := locate(pkg)
	if err == nil {
		keep(memo, path)
	}
	return path, err
}

// keep writes a memo whole or not at all: test binaries run at once. A
// miss is a new source state, so it also removes the memos written more
// than a week ago: each source state leaves one a program.
func keep(memo, path string) {
	dir := filepath.Dir(memo)
	if os.MkdirAll(dir, 0o700) != nil {
		return
	}
	if old, err := os.ReadDir(dir); err == nil {
		for _, e := range old {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 7*24*time.Hour {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := f.WriteString(path)
	if cerr := f.Close(); werr != nil || cerr != nil || os.Rename(f.Name(), memo) != nil {
		os.Remove(f.Name())
	}
}

// buildKey names one build of pkg: the package's directory and the
// module's state (moduleState).
func buildKey(pkg string) (string, error) {
	state, err := moduleState()
	if err != nil {
		return "", err
	}
	dir := pkg
	if strings.HasPrefix(pkg, ".") {
		if dir, err = filepath.Abs(pkg); err != nil {
			return "", err
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "%q\n%s\n", dir, state)
	return hex.EncodeToString(h.Sum(nil)) + "-" + filepath.Base(dir), nil
}

// moduleState hashes, once a process, what every build of the module
// reads: the go command's settings (`go env -json`: its version, GOFLAGS,
// GOOS, GOARCH, CGO_ENABLED, GOEXPERIMENT, the C compiler, …) and every
// file of the module but its .git (sources, go.mod, go.sum, embedded
// files), each by name and content.
var moduleState = sync.OnceValues(func() (string, error) {
	env, err := goEnv()
	if err != nil {
		return "", err
	}
	if env["GOMOD"] == "" || env["GOMOD"] == os.DevNull {
		return "", errors.New("not in a module")
	}
	root := filepath.Dir(env["GOMOD"])
	sorted, err := json.Marshal(env) // with its keys sorted
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", sorted)
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == ".git":
			return filepath.SkipDir
		case d.IsDir():
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(path)
			fmt.Fprintf(h, "link %q %q\n", rel, target)
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "file %q\n", rel)
		n, err := io.Copy(h, f)
		fmt.Fprintf(h, "\n%d\n", n)
		return err
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
})

// goEnv is the go command's settings, less GOGCCFLAGS, which names a new
// temporary folder each time (the C flags it derives from are kept).
func goEnv() (map[string]string, error) {
	out, err := exec.Command("go", "env", "-json").Output()
	if err != nil {
		return nil, err
	}
	var env map[string]string
	if err := json.Unmarshal(out, &env); err != nil {
		return nil, err
	}
	delete(env, "GOGCCFLAGS")
	return env, nil
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
