package maelstrom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// RealTimeNote is said wherever a run's reproducibility comes up.
const RealTimeNote = "Your nodes ran in real time: the seed fixes the operations the clients issued and the fault schedule, " +
	"but not how the nodes' messages interleaved, so the same seed can give another history and another verdict."

// scenarioNote heads a scenario file.
const scenarioNote = RealTimeNote + " This file records what happened, so the history can be checked again and explored."

// Scenario is a record of one run of a learner's node: its configuration
// (the seed, the workload, the fault schedule with every live fault), the
// faults as they happened, and the history. It is enough to check the run
// again and to explore it; it is not enough to replay it, because the
// nodes ran in real time.
type Scenario struct {
	Note        string            `json:"note"`
	Config      Config            `json:"config"`
	Schedule    sim.Schedule      `json:"schedule"`
	Applied     []FaultRecord     `json:"applied"`
	FinalFrom   int               `json:"final_from"`
	ElapsedNs   int64             `json:"elapsed_ns"`
	Interrupted bool              `json:"interrupted,omitempty"`
	Stats       Stats             `json:"stats"`
	Notes       []string          `json:"notes,omitempty"`
	Logs        map[string]string `json:"logs"`
	History     history.History   `json:"history"`
}

// FaultRecord is a fault as it happened: when, resolved to the nodes it
// hit, and in words.
type FaultRecord struct {
	AtNs  int64     `json:"at_ns"`
	Fault sim.Fault `json:"fault"`
	Desc  string    `json:"desc"`
}

// Scenario is the record of the run so far (call it after Wait for the
// whole run).
func (r *Run) Scenario(out Outcome) Scenario {
	sc := Scenario{Note: scenarioNote, Config: r.cfg, Schedule: r.Schedule(), FinalFrom: out.FinalFrom,
		ElapsedNs: out.ElapsedNs, Interrupted: out.Interrupted, Stats: out.Stats, Notes: out.Notes,
		Logs: out.Logs, History: out.History}
	for _, a := range out.Applied {
		sc.Applied = append(sc.Applied, FaultRecord{AtNs: a.Time, Fault: a.Fault, Desc: a.Desc})
	}
	return sc
}

// WriteScenario writes a scenario as indented JSON.
func WriteScenario(w io.Writer, sc Scenario) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sc)
}

// scenarioFile is a scenario as read: the history is decoded by the
// history package's own reader, which names the record and field of
// anything malformed.
type scenarioFile struct {
	Scenario
	History []json.RawMessage `json:"history"`
}

// ReadScenario reads a scenario file's bytes; name is used in errors.
// It never panics on malformed input.
func ReadScenario(b []byte, name string) (Scenario, error) {
	var f scenarioFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Scenario{}, fmt.Errorf("%s: %s", name, jsonReason(err))
	}
	sc := f.Scenario
	if err := sc.Config.Validate(); err != nil {
		return Scenario{}, fmt.Errorf("%s: field \"config\": %v", name, err)
	}
	if err := sc.Schedule.Validate(NodeIDs(sc.Config.Nodes)); err != nil {
		return Scenario{}, fmt.Errorf("%s: field \"schedule\": %v", name, err)
	}
	var lines bytes.Buffer
	for _, rec := range f.History {
		lines.Write(bytes.ReplaceAll(rec, []byte("\n"), []byte(" ")))
		lines.WriteByte('\n')
	}
	h, err := history.ReadJSONL(&lines, name+` field "history", record`)
	if err != nil {
		return Scenario{}, err
	}
	if len(h) != len(f.History) {
		return Scenario{}, fmt.Errorf("%s: field \"history\": a record is empty", name)
	}
	if sc.FinalFrom < -1 || sc.FinalFrom > len(h) {
		return Scenario{}, fmt.Errorf("%s: field \"final_from\": %d is not a record of the history (it has %d)", name, sc.FinalFrom, len(h))
	}
	if _, err := h.Pairs(); err != nil {
		return Scenario{}, fmt.Errorf("%s: field \"history\": %v", name, err)
	}
	sc.History = h
	return sc, nil
}
