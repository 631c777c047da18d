package checker

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// Fault is a nemesis interval of a history: from the record that began it
// to the record that ended it (or the history's end).
type Fault struct {
	Name       string // the fault's f: "start-partition", "crash", ...
	Detail     string // its value, formatted
	Start, End int    // record positions in the history
	Ended      bool   // false when the history ends before the fault is healed
	// From and To are the index fields of the records at Start and End.
	From, To int64
}

// faultEnds maps a fault's f to the fs that end it.
var faultEnds = map[string][]string{
	"start":         {"stop"},
	"partition":     {"heal", "stop-partition"},
	"crash":         {"restart", "recover", "start"},
	"kill":          {"start", "restart"},
	"pause":         {"resume"},
	"net-loss":      {"net-reset"},
	"net-duplicate": {"net-reset"},
	"net-delay":     {"net-reset"},
}

// FaultIntervals pairs a history's nemesis records into intervals: start-X
// with stop-X, and crash/restart, pause/resume, partition/heal and the
// like. An end that names nodes (faultline's records carry "nodes") ends
// the open faults on those nodes; one that names none ends every open
// fault it can end. A fault that nothing ends lasts to the end; an end
// that begins nothing is a one-record interval. Jepsen's invoke/info pairs
// of one nemesis action count once.
func FaultIntervals(h history.History) []Fault {
	var out []Fault
	var nodes [][]string       // per fault in out, the nodes it hit (nil: unknown)
	open := map[string][]int{} // ending f → indexes into out
	for i, o := range h {
		if !o.IsNemesis() || isEcho(h, i) {
			continue
		}
		f := strings.ToLower(o.F)
		if idx := open[f]; len(idx) > 0 {
			ends := nodesOf(o.Value)
			for _, j := range slices.Clone(idx) {
				if ends != nil && nodes[j] != nil && !overlap(ends, nodes[j]) {
					continue
				}
				for _, e := range endsOf(out[j].Name) {
					open[e] = remove(open[e], j)
				}
				out[j].End, out[j].Ended, out[j].To = i, true, o.Index
			}
			continue
		}
		out = append(out, Fault{Name: o.F, Detail: valueDetail(o.Value), Start: i, End: len(h) - 1, From: o.Index, To: h[len(h)-1].Index})
		nodes = append(nodes, nodesOf(o.Value))
		for _, e := range endsOf(f) {
			open[e] = append(open[e], len(out)-1)
		}
		if len(endsOf(f)) == 0 {
			last := &out[len(out)-1]
			last.End, last.Ended, last.To = i, true, o.Index
		}
	}
	return out
}

// nodesOf reads the nodes a fault record names ({"nodes": [...]}), nil
// when it names none.
func nodesOf(v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	list, ok := m["nodes"].([]any)
	if !ok {
		return nil
	}
	var out []string
	for _, n := range list {
		if s, ok := n.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func valueDetail(v any) string {
	if v == nil {
		return ""
	}
	if m, ok := v.(map[string]any); ok {
		if d, ok := m["desc"].(string); ok {
			return d // faultline's own: {"desc": "partition {n3} | {n1 n2}", ...}
		}
	}
	return history.Format(v)
}

// String names the fault and the records it spans: "start-partition
// (partition {n3} | {n1 n2}), records 50 to 90".
func (f Fault) String() string {
	s := f.Name
	if f.Detail != "" {
		s += " (" + f.Detail + ")"
	}
	switch {
	case !f.Ended:
		return s + fmt.Sprintf(", from record %d on, never ended", f.From)
	case f.End == f.Start:
		return s + fmt.Sprintf(", record %d", f.From)
	}
	return s + fmt.Sprintf(", records %d to %d", f.From, f.To)
}

// isEcho reports whether record i completes a nemesis invocation (Jepsen
// logs each nemesis action as an invoke and an info).
func isEcho(h history.History, i int) bool {
	if h[i].Type == history.Invoke {
		return false
	}
	for j := i - 1; j >= 0; j-- {
		if h[j].IsNemesis() {
			return h[j].Type == history.Invoke && h[j].F == h[i].F
		}
	}
	return false
}

func endsOf(f string) []string {
	f = strings.ToLower(f)
	if ends, ok := faultEnds[f]; ok {
		return ends
	}
	if rest, ok := strings.CutPrefix(f, "start-"); ok {
		return []string{"stop-" + rest, "heal-" + rest}
	}
	if strings.Contains(f, "skew") || strings.Contains(f, "clock") && !strings.Contains(f, "reset") {
		return []string{"reset-clock", "clock-reset", "stop-clock-skew", "reset"}
	}
	if strings.HasPrefix(f, "isolate") || strings.HasPrefix(f, "cut") {
		return []string{"heal"}
	}
	return nil
}

func remove(xs []int, x int) []int {
	out := xs[:0]
	for _, y := range xs {
		if y != x {
			out = append(out, y)
		}
	}
	return out
}

// faultsDuring lists the faults in force at some moment of the calls'
// intervals, from invocation to completion (to the history's end for an
// operation that never completed): a fault that began before the
// operation ended and ended after it began. A fault healed before the
// operation began, or begun after it ended, is not listed.
func faultsDuring(h history.History, calls []*call) []Fault {
	var out []Fault
	for _, f := range FaultIntervals(h) {
		for _, c := range calls {
			end := c.compPos
			if end < 0 {
				end = len(h)
			}
			fEnd := f.End
			if !f.Ended {
				fEnd = len(h)
			}
			if f.Start < end && fEnd > c.invPos {
				out = append(out, f)
				break
			}
		}
	}
	return out
}
