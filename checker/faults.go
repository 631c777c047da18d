package checker

import (
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
}

// faultEnds maps a fault's f to the fs that end it.
var faultEnds = map[string][]string{
	"start":     {"stop"},
	"partition": {"heal", "stop-partition"},
	"crash":     {"restart", "recover", "start"},
	"kill":      {"start", "restart"},
	"pause":     {"resume"},
}

// FaultIntervals pairs a history's nemesis records into intervals: start-X
// with stop-X, and crash/restart, pause/resume, partition/heal and the
// like. A fault that nothing ends lasts to the end; an end that begins
// nothing is a one-record interval. Jepsen's invoke/info pairs of one
// nemesis action count once.
func FaultIntervals(h history.History) []Fault {
	var out []Fault
	open := map[string][]int{} // ending f → indexes into out
	for i, o := range h {
		if !o.IsNemesis() || isEcho(h, i) {
			continue
		}
		f := strings.ToLower(o.F)
		if idx := open[f]; len(idx) > 0 {
			j := idx[0]
			for _, e := range endsOf(out[j].Name) {
				open[e] = remove(open[e], j)
			}
			out[j].End, out[j].Ended = i, true
			continue
		}
		out = append(out, Fault{Name: o.F, Detail: valueDetail(o.Value), Start: i, End: len(h) - 1})
		for _, e := range endsOf(f) {
			open[e] = append(open[e], len(out)-1)
		}
		if len(endsOf(f)) == 0 {
			out[len(out)-1].End, out[len(out)-1].Ended = i, true
		}
	}
	return out
}

func valueDetail(v any) string {
	if v == nil {
		return ""
	}
	return history.Format(v)
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
