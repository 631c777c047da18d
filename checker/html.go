package checker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/anishathalye/porcupine"
	"github.com/faultline-lab/faultline/history"
)

// Colours of the HTML annotations.
const (
	witnessColor   = "#ffd6d6"
	failingColor   = "#ff8a8a"
	faultColor     = "#e4e4e4"
	unorderedColor = "#f2f2f2"
)

// ErrHTMLUnfinished is returned (wrapped, with the reason) when the search
// behind the page did not finish within the limits: nothing was written.
var ErrHTMLUnfinished = errors.New("the HTML page was not written: its search did not finish")

// WriteHTML writes porcupine's interactive visualisation of h: a lane per
// process (porcupine's clients), the partial linearisations porcupine
// found, and faultline's annotations — the witness operations, the failing
// operation, the fault (nemesis) intervals, and the operations no order
// includes (failed, or of unknown outcome and unobserved). Time is the
// record position. res is the result of Check for h and opts.
//
// The page comes from a search that finished, over the operations the
// verdict's search saw (pruned as it pruned them), within ctx and opts'
// limits like Check; when the search does not finish, nothing is written
// and the error wraps ErrHTMLUnfinished, saying why.
func WriteHTML(ctx context.Context, w io.Writer, h history.History, res Result, opts Options) (err error) {
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
	lim := newLimits(ctx, opts)
	defer lim.release()
	s, err := newSearcher(m, init, lim)
	if err != nil {
		return err
	}

	lanes := laneOf(p.calls)
	endLane := len(lanes)
	var ops []porcupine.Operation
	partOf := map[*call]int{}
	shown := map[int]bool{}
	for i, part := range p.partitions {
		for _, op := range withEnd(s.operations(part, len(h))) {
			c := op.Input.(*call)
			op.ClientId = endLane
			if c != endCall {
				op.ClientId = lanes[c.proc]
				shown[c.id] = true
			}
			partOf[c] = i
			ops = append(ops, op)
		}
	}
	var steps int64
	search := s.porcupineModel(&steps, 0, true)
	page := s.porcupineModel(&steps, 0, false)
	if len(p.partitions) > 1 {
		split := func(ops []porcupine.Operation) [][]porcupine.Operation {
			out := make([][]porcupine.Operation, len(p.partitions))
			for _, op := range ops {
				i := partOf[op.Input.(*call)]
				out[i] = append(out[i], op)
			}
			return out
		}
		search.Partition, page.Partition = split, split
	}
	verdict, info := porcupine.CheckOperationsVerbose(search, ops, lim.remaining())
	if stop := lim.settled(); stop != running || verdict == porcupine.Unknown {
		if stop == running {
			stop = stopDeadline
		}
		return fmt.Errorf("%w: %s", ErrHTMLUnfinished, lim.reason(stop, "search for the page"))
	}
	info.AddAnnotations(annotations(h, res, lanes))
	info.AddAnnotations(unordered(p.calls, shown, lanes, len(h)))
	// Porcupine's visualisation replays the search's linearisations with
	// the model, and panics if one does not replay; the search above is
	// the one it replays, so it should not, but a page is not worth a
	// crash.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the HTML page was not written: porcupine's visualisation failed: %v", r)
		}
	}()
	var buf bytes.Buffer
	if err := porcupine.Visualize(page, info, &buf); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// unordered annotates the operations no search includes, saying why.
func unordered(calls []*call, shown map[int]bool, lanes map[history.Process]int, records int) []porcupine.Annotation {
	var out []porcupine.Annotation
	for _, c := range calls {
		if shown[c.id] {
			continue
		}
		why := "its outcome is unknown and nothing observed it: it may as well not have happened, so no order includes it"
		switch {
		case c.status == statusFailed:
			why = "it failed, so it did not happen"
		case inert(c):
			why = "its result is unknown, so it constrains nothing"
		}
		end := records - 1
		if c.comp != nil {
			end = c.compPos
		}
		out = append(out, porcupine.Annotation{
			ClientId: lanes[c.proc], Start: int64(c.invPos), End: int64(end),
			Description: describeCall(c), Details: why, BackgroundColor: unorderedColor,
		})
	}
	return out
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
