package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// modelHint is added to a checker's complaint about a history whose
// model check guessed: the guess, not the file, may be what is wrong.
func modelHint(req checkRequest) string {
	for _, o := range req.h {
		switch o.F {
		case "txn":
			return fmt.Sprintf(" (the model %s was guessed; a transactional history wants --model list-append or --model rw-register)", req.model)
		case "broadcast", "echo", "generate":
			return " (a history of a Maelstrom workload other than lin-kv is checked by the node command: go run . node --scenario FILE, with the scenario that node --out-scenario wrote)"
		}
	}
	return fmt.Sprintf(" (the model %s was guessed from the operations; name one with --model: %s)", req.model, strings.Join(checkModels(), ", "))
}

// withFileHint names what a file that is not a history is, when it is one
// of faultline's own other files: a scenario (from --out-scenario or an
// export) is replayed by run, not checked.
func withFileHint(err error, req checkRequest) error {
	if req.src != nil {
		return err
	}
	switch scenarioKind(req.path) {
	case "lesson":
		return usagef("%s is a scenario file, not a history: replay it with go run . run --scenario %s", req.path, req.path)
	case "node":
		return usagef("%s is a node run's record, not a history: check it again with go run . node --scenario %s", req.path, req.path)
	}
	return err
}

// scenarioKind says which of faultline's records path holds: "lesson" (a
// JSON object with a lesson and a seed, as sim.Scenario writes it), "node"
// (node --out-scenario's: a config and a history), or "" (read up to
// 64 MiB; records larger than that are not worth the hint).
func scenarioKind(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	// A record starts with '{' within its first KiB: a file that does
	// not (a history of many lines starts the same way, but most files
	// refused here are not records at all) is not read further.
	head := make([]byte, 1<<10)
	n, _ := io.ReadFull(f, head)
	if !bytes.HasPrefix(bytes.TrimSpace(head[:n]), []byte("{")) {
		return ""
	}
	rest, err := io.ReadAll(io.LimitReader(f, 64<<20-int64(n)))
	if err != nil {
		return ""
	}
	data := append(head[:n], rest...)
	var sc struct {
		Lesson  *string          `json:"lesson"`
		Seed    *uint64          `json:"seed"`
		Config  *json.RawMessage `json:"config"`
		History *json.RawMessage `json:"history"`
	}
	switch {
	case json.Unmarshal(data, &sc) != nil:
		return ""
	case sc.Lesson != nil && sc.Seed != nil:
		return "lesson"
	case sc.Config != nil && sc.History != nil:
		return "node"
	}
	return ""
}
