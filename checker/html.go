package checker

import (
	"context"
	"fmt"
	"io"
	"sort"

	"github.com/anishathalye/porcupine"
	"github.com/faultline-lab/faultline/history"
)

// Colours of the HTML annotations.
const (
	witnessColor = "#ffd6d6"
	failingColor = "#ff8a8a"
	faultColor   = "#e4e4e4"
)

// WriteHTML writes porcupine's interactive visualisation of h: a lane per
// process (porcupine's clients), the partial linearisations porcupine
// found, and faultline's annotations — the witness operations, the failing
// operation, and the fault (nemesis) intervals. Time is the record
// position. res is the result of Check for h and opts.
func WriteHTML(w io.Writer, h history.History, res Result, opts Options) error {
	m, err := lookupModel(opts.Model)
	if err != nil {
		return err
	}
	init, err := history.Normalize(opts.Init)
	if err != nil {
		return fmt.Errorf("initial value: %w", err)
	}
	p, err := prepare(h, m, init)
	if err != nil {
		return err
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s, release, err := newSearcher(ctx, m, init)
	if err != nil {
		return err
	}
	defer release()

	lanes := laneOf(p.calls)
	var ops []porcupine.Operation
	partOf := map[int]int{}
	for i, part := range p.partitions {
		for _, op := range operations(part, len(h)) {
			op.ClientId = lanes[op.Input.(*call).proc]
			partOf[op.Input.(*call).id] = i
			ops = append(ops, op)
		}
	}
	pm := s.pm
	if len(p.partitions) > 1 {
		pm.Partition = func(ops []porcupine.Operation) [][]porcupine.Operation {
			out := make([][]porcupine.Operation, len(p.partitions))
			for _, op := range ops {
				i := partOf[op.Input.(*call).id]
				out[i] = append(out[i], op)
			}
			return out
		}
	}
	_, info := porcupine.CheckOperationsVerbose(pm, ops, 0)
	info.AddAnnotations(annotations(h, res, lanes))
	return porcupine.Visualize(pm, info, w)
}

// laneOf numbers processes densely, in order, for porcupine's client lanes.
func laneOf(calls []*call) map[history.Process]int {
	var procs []history.Process
	seen := map[history.Process]bool{}
	for _, c := range calls {
		if !seen[c.proc] {
			seen[c.proc] = true
			procs = append(procs, c.proc)
		}
	}
	sort.Slice(procs, func(i, j int) bool { return procs[i] < procs[j] })
	lanes := make(map[history.Process]int, len(procs))
	for i, p := range procs {
		lanes[p] = i
	}
	return lanes
}

func annotations(h history.History, res Result, lanes map[history.Process]int) []porcupine.Annotation {
	var out []porcupine.Annotation
	for _, f := range FaultIntervals(h) {
		desc := f.Name
		if f.Detail != "" {
			desc += " " + f.Detail
		}
		out = append(out, porcupine.Annotation{
			Tag: "nemesis", Start: int64(f.Start), End: int64(f.End),
			Description: desc, Details: fmt.Sprintf("fault from record %d to %d", f.Start, f.End),
			BackgroundColor: faultColor,
		})
	}
	if res.Verdict != NotLinearizable {
		return out
	}
	pos := positions(h)
	open := map[history.Process]history.Op{}
	for _, o := range res.Witness {
		if o.Type == history.Invoke {
			open[o.Process] = o
			continue
		}
		i, ok := open[o.Process]
		if !ok {
			continue
		}
		delete(open, o.Process)
		out = append(out, witnessAnnotation(i, &o, res, lanes, pos))
	}
	for _, i := range open {
		out = append(out, witnessAnnotation(i, nil, res, lanes, pos))
	}
	return out
}

func witnessAnnotation(i history.Op, c *history.Op, res Result, lanes map[history.Process]int, pos map[opID]int) porcupine.Annotation {
	start := pos[opID{i.Index, i.Process, i.Type}]
	end := start
	if c != nil {
		end = pos[opID{c.Index, c.Process, c.Type}]
	}
	color, desc := witnessColor, "witness"
	if res.Failing != nil && res.Failing.Index == i.Index && res.Failing.Process == i.Process {
		color, desc = failingColor, "cannot be linearized"
	}
	return porcupine.Annotation{
		ClientId: lanes[i.Process], Start: int64(start), End: int64(end),
		Description: desc + ": " + res.Anomaly, Details: res.Explanation,
		BackgroundColor: color,
	}
}

type opID struct {
	index int64
	proc  history.Process
	typ   history.Type
}

func positions(h history.History) map[opID]int {
	m := make(map[opID]int, len(h))
	for i, o := range h {
		m[opID{o.Index, o.Process, o.Type}] = i
	}
	return m
}
