package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// writeAtomic writes a file through a temporary file and a rename, so a
// failure leaves nothing half-written behind.
func writeAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return usagef("cannot write %s: %v", path, unwrapPathError(err))
	}
	defer os.Remove(tmp.Name()) // after a successful rename this does nothing
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return usagef("cannot write %s: %v", path, unwrapPathError(err))
	}
	return nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// checkWritable fails early on an output path that cannot be written, so a
// long run is not wasted and nothing is left half-done.
func checkWritable(path string) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return usagef("cannot write %s: %v", path, unwrapPathError(err))
	}
	if !st.IsDir() {
		return usagef("cannot write %s: %s is not a directory", path, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return usagef("cannot write %s: it is a directory", path)
	}
	return nil
}

// historyWriter picks the codec by the file's extension.
func historyWriter(path string) (func(io.Writer, history.History) error, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".json", ".ndjson":
		return history.WriteJSONL, nil
	case ".edn":
		return history.WriteEDN, nil
	}
	return nil, usagef("--out %s: the file must end in .jsonl or .edn", path)
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
