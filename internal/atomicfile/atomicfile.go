// Package atomicfile writes files so that no reader ever sees one
// half-written: each goes to a temporary file in its directory, is synced,
// and is renamed over its path. A set of files is written all or none, and
// a signal handler can remove every temporary file still in progress
// (Abort). The command line, the workbench's exports and its progress file
// all write through it.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Mode is the permission of a new file: readable by all, as a file written
// by any other tool (an existing file keeps its own).
const Mode fs.FileMode = 0o644

// ErrAborted is returned once Abort has run: nothing more is written.
var ErrAborted = errors.New("interrupted")

// pending holds the temporary files not yet renamed, so that Abort can
// remove them; the lock also makes a Commit's renames happen all before or
// all after an Abort.
var pending = struct {
	sync.Mutex
	temps   map[string]bool
	aborted bool
}{temps: map[string]bool{}}

// Abort removes every temporary file in progress and makes later writes
// fail with ErrAborted. Call it when the program is told to stop.
func Abort() {
	pending.Lock()
	defer pending.Unlock()
	pending.aborted = true
	for t := range pending.temps {
		os.Remove(t)
		delete(pending.temps, t)
	}
}

// Write writes one file atomically: write fills it; on any failure nothing
// is left behind and the old file, if any, is untouched.
func Write(path string, write func(io.Writer) error) error {
	var s Set
	s.Add(path, write)
	return s.Commit()
}

// WriteBytes writes data to path atomically.
func WriteBytes(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Set is a group of files written all or none.
type Set struct {
	files []file
}

type file struct {
	path  string
	write func(io.Writer) error
}

// Add queues a file; Commit writes it.
func (s *Set) Add(path string, write func(io.Writer) error) {
	s.files = append(s.files, file{path, write})
}

// Commit writes every queued file to a temporary file, and only when all
// of them were written renames them into place. On failure it removes its
// temporary files and returns an error naming the path. (A rename failing
// after others succeeded — the directory removed meanwhile — leaves those
// others in place; nothing is ever half-written.)
func (s *Set) Commit() error {
	temps := make([]string, len(s.files))
	defer func() {
		pending.Lock()
		defer pending.Unlock()
		for _, t := range temps {
			if t != "" && pending.temps[t] {
				os.Remove(t)
				delete(pending.temps, t)
			}
		}
	}()
	targets := make([]string, len(s.files))
	for i, f := range s.files {
		if special(f.path) {
			continue // written last, directly
		}
		target, err := resolve(f.path)
		if err != nil {
			return err
		}
		targets[i] = target
		if temps[i], err = writeTemp(target, f.write); err != nil {
			return fmt.Errorf("cannot write %s: %w", f.path, err)
		}
	}
	if err := s.rename(temps, targets); err != nil {
		return err
	}
	for i, f := range s.files {
		if temps[i] == "" {
			if err := writeSpecial(f.path, f.write); err != nil {
				return fmt.Errorf("cannot write %s: %w", f.path, unwrap(err))
			}
		}
	}
	return nil
}

// rename moves every written temporary file into place, unless Abort came
// first.
func (s *Set) rename(temps, targets []string) error {
	pending.Lock()
	defer pending.Unlock()
	if pending.aborted {
		return ErrAborted
	}
	for i, t := range temps {
		if t == "" {
			continue
		}
		if err := os.Rename(t, targets[i]); err != nil {
			return fmt.Errorf("cannot write %s: %w", s.files[i].path, unwrap(err))
		}
		delete(pending.temps, t)
	}
	return nil
}

// special reports whether path is an existing device or pipe
// (/dev/stdout, a FIFO): written in place, since it cannot be renamed over
// and holds nothing to leave half-written.
func special(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.Mode().IsRegular() && !st.IsDir()
}

func writeSpecial(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// resolve follows a symbolic link, so that writing replaces the file it
// names rather than the link.
func resolve(path string) (string, error) {
	st, err := os.Lstat(path)
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return path, nil
	}
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("cannot write %s: %w", path, unwrap(err))
	}
	return target, nil
}

// writeTemp writes a synced temporary file beside path and returns its name.
func writeTemp(path string, write func(io.Writer) error) (string, error) {
	mode := Mode
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return "", errors.New("it is a directory")
		}
		mode = st.Mode().Perm()
	}
	pending.Lock()
	if pending.aborted {
		pending.Unlock()
		return "", ErrAborted
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err == nil {
		pending.temps[tmp.Name()] = true
	}
	pending.Unlock()
	if err != nil {
		return "", unwrap(err)
	}
	err = write(tmp)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	return tmp.Name(), unwrap(err)
}

// CheckWritable reports, before any work, whether path could be written:
// its directory exists and takes new files, and path is not a directory.
func CheckWritable(path string) error {
	if special(path) {
		return nil
	}
	target, err := resolve(path)
	if err != nil {
		return err
	}
	if st, err := os.Stat(target); err == nil && st.IsDir() {
		return fmt.Errorf("cannot write %s: it is a directory", path)
	}
	dir := filepath.Dir(target)
	if st, err := os.Stat(dir); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrap(err))
	} else if !st.IsDir() {
		return fmt.Errorf("cannot write %s: %s is not a directory", path, dir)
	}
	probe, err := os.CreateTemp(dir, "."+filepath.Base(target)+".probe-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrap(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// unwrap drops the *PathError around an error: the messages name the
// user's path, not our temporary file.
func unwrap(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	}
	return err
}
