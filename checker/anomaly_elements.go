package checker

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// elementSource classifies the element x of a read: never written, only
// written by failed operations, or written only after the read.
func (a *analysis) elementSource(x any, r *call, write opcode) (string, string) {
	f := history.Format
	var writers []*call
	for _, c := range a.part {
		if c.op == write && valueEqual(c.arg, x) {
			writers = append(writers, c)
		}
	}
	verb := "added"
	if write == opEnqueue {
		verb = "enqueued"
	}
	switch {
	case len(writers) == 0:
		return AnomalyNeverWritten, fmt.Sprintf("%s got %s, but no operation in the history ever %s %s.", who(r), f(x), verb, f(x))
	case allFailed(writers):
		return AnomalyFailedWrite, fmt.Sprintf("In the history, every attempt to %s %s failed (%s's [%s] among them), so none happened — yet %s got %s: the failure was not a failure.", verbBase(write), f(x), who(writers[0]), records(writers[0]), who(r), f(x))
	case allAfter(writers, r):
		return AnomalyFutureRead, fmt.Sprintf("%s got %s [%s] before any attempt in the history to %s it had begun.", who(r), f(x), records(r), verbBase(write))
	}
	return "", ""
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// whoAll names the distinct processes of calls: "process 1 and process 3".
func whoAll(cs []*call) string {
	var names []string
	for _, c := range cs {
		if n := who(c); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 1 && len(cs) > 1 {
		return names[0] + ", each time"
	}
	return strings.Join(names, " and ")
}

func verbBase(write opcode) string {
	if write == opEnqueue {
		return "enqueue"
	}
	return "add"
}

// listGroups groups a long set or queue witness by operation and outcome:
// "12 adds (11 acknowledged, 1 with no answer), between records 3 and 40".
func (a *analysis) listGroups() []string {
	type group struct {
		op                opcode
		ok, unknown, fail int
		calls             []*call
	}
	var order []*group
	byOp := map[opcode]*group{}
	for _, c := range a.wit {
		g := byOp[c.op]
		if g == nil {
			g = &group{op: c.op}
			byOp[c.op] = g
			order = append(order, g)
		}
		g.calls = append(g.calls, c)
		switch c.status {
		case statusOK, statusMismatch:
			g.ok++
		case statusFailed:
			g.fail++
		default:
			g.unknown++
		}
	}
	var out []string
	for _, g := range order {
		var parts []string
		for _, p := range []struct {
			n    int
			what string
		}{{g.ok, "acknowledged"}, {g.unknown, "with no answer"}, {g.fail, "reported failed"}} {
			if p.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
			}
		}
		out = append(out, fmt.Sprintf("%s (%s), %s", plural(len(g.calls), opNames[g.op]), strings.Join(parts, ", "), span(g.calls)))
	}
	if r := a.failing; r != nil && containsCall(a.wit, r) {
		out = append(out, fmt.Sprintf("the failing operation: %s %s [%s]", who(r), a.phrase(r), records(r)))
	}
	return out
}
