package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, ".*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWriteMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "h.jsonl")
	if err := WriteBytes(p, []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v, %v; want 0644", st.Mode(), err)
	}
	if err := os.Chmod(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteBytes(p, []byte("two\n")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("an existing file's mode %v was not kept", st.Mode())
	}
	if b, _ := os.ReadFile(p); string(b) != "two\n" {
		t.Errorf("content %q", b)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

func TestSetIsAllOrNone(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := WriteBytes(a, []byte("old")); err != nil {
		t.Fatal(err)
	}
	var s Set
	s.Add(a, write("new"))
	s.Add(b, func(w io.Writer) error {
		io.WriteString(w, "half")
		return errors.New("disk full")
	})
	err := s.Commit()
	if err == nil || !strings.Contains(err.Error(), "cannot write "+b+": disk full") {
		t.Fatalf("got %v", err)
	}
	if got, _ := os.ReadFile(a); string(got) != "old" {
		t.Errorf("a was replaced although b failed: %q", got)
	}
	if _, err := os.Stat(b); err == nil {
		t.Error("b exists")
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

func TestSymlinkIsFollowed(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
	os.WriteFile(target, []byte("old"), 0o644)
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if err := WriteBytes(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Lstat(link); st.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	os.WriteFile(plain, nil, 0o644)
	cases := map[string]string{
		filepath.Join(dir, "no", "such.html"): "no such file or directory",
		dir:                                   "it is a directory",
		filepath.Join(plain, "x.html"):        "not a directory",
	}
	for p, want := range cases {
		if err := CheckWritable(p); err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), p) {
			t.Errorf("CheckWritable(%s) = %v, want %q", p, err, want)
		}
	}
	if err := CheckWritable(filepath.Join(dir, "fine.html")); err != nil {
		t.Error(err)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

// Abort (a signal) while a file is being written: the temporary file goes,
// and the file is not written.
func TestAbortRemovesTemporaryFiles(t *testing.T) {
	defer func() { pending.aborted = false }()
	dir := t.TempDir()
	p := filepath.Join(dir, "page.html")
	err := Write(p, func(w io.Writer) error {
		io.WriteString(w, "<html>")
		if l := leftovers(t, dir); len(l) != 1 {
			t.Errorf("temporary files while writing: %v", l)
		}
		Abort()
		return nil
	})
	if !errors.Is(err, ErrAborted) {
		t.Errorf("got %v, want ErrAborted", err)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
	if _, err := os.Stat(p); err == nil {
		t.Error("the file was written after Abort")
	}
	if err := WriteBytes(p, nil); !errors.Is(err, ErrAborted) {
		t.Errorf("a write after Abort: %v", err)
	}
}

// A device such as /dev/stdout is written in place.
func TestSpecialFiles(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Skip(err)
	}
	if err := CheckWritable(os.DevNull); err != nil {
		t.Fatal(err)
	}
	var s Set
	s.Add(os.DevNull, write("discarded"))
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
		t.Fatalf("%s was replaced: %v %v", os.DevNull, st, err)
	}
}
