package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// nodeFields is the state a node's box shows, each field whole ("term 3",
// "version 12", "token 5"): the box wraps between fields and never cuts
// one. This is the one place that reads a design's status. A design that
// declares its key state (declaredKey) is shown as it declares it, in its
// order; the others by their value and detail, split into fields.
func nodeFields(v sim.NodeView) []string { return fieldsWith(v, keyFields(declaredKey(v.Status))) }

// fieldsWith is nodeFields given the declared key's fields (nil: none).
func fieldsWith(v sim.NodeView, key []string) []string {
	st := v.Status
	var out []string
	if st.Term > 0 && !slices.ContainsFunc(key, func(f string) bool { return strings.HasPrefix(f, "term ") }) {
		out = append(out, fmt.Sprintf("term %d", st.Term))
	}
	if len(key) > 0 {
		// A leader naming itself says nothing its role does not.
		for _, f := range key {
			if f != "leader "+v.ID {
				out = append(out, f)
			}
		}
	} else {
		switch {
		case st.Value == "" || st.Value == "-":
		case st.Role == sim.RoleWorker:
			out = append(out, st.Value) // a worker's is its task's state: idle, computing
		default:
			out = append(out, valueField(st.Value))
		}
		out = append(out, detailFields(st.Detail)...)
	}
	if st.Leader != "" && st.Leader != v.ID && !st.Role.Leads() && st.Role != sim.RoleGateway && st.Role != sim.RoleForwarder &&
		!slices.ContainsFunc(key, func(f string) bool { return strings.HasPrefix(f, "leader ") }) {
		out = append(out, "leader "+st.Leader)
	}
	if v.SkewNs != 0 {
		out = append(out, "clock "+skewLabel(v.SkewNs))
	}
	if v.Unsynced > 0 {
		out = append(out, fmt.Sprintf("%d unsynced", v.Unsynced))
	}
	if v.Held > 0 {
		out = append(out, fmt.Sprintf("%d held", v.Held))
	}
	return out
}

// keyFact is one labelled piece of a node's key state, as a design
// declares it: "commit" "41", "token" "5".
type keyFact struct{ label, value string }

// declaredKey is the seam for designs that declare their key state: the
// toydb branch adds sim.Status.Key, a list of sim.Fact{Label, Value}.
// Until it is merged no design declares any, and nodeFields reads value
// and detail. Adopting it is this one edit (and nothing else in tui/):
//
//	out := make([]keyFact, 0, len(st.Key))
//	for _, f := range st.Key {
//		out = append(out, keyFact{f.Label, f.Value})
//	}
//	return out
func declaredKey(st sim.Status) []keyFact {
	out := make([]keyFact, 0, len(st.Key))
	for _, f := range st.Key {
		out = append(out, keyFact{f.Label, f.Value})
	}
	return out
}

// keyFields are declared facts as the box's fields, "label value" each,
// in the design's order; nil when none are declared (an empty value
// shows its label alone).
func keyFields(facts []keyFact) []string {
	if len(facts) == 0 {
		return nil
	}
	out := make([]string, 0, len(facts))
	for _, f := range facts {
		if f.label == "value" {
			out = append(out, valueField(f.value)) // as an undeclared value reads
			continue
		}
		out = append(out, strings.TrimSpace(f.label+" "+f.value))
	}
	return out
}

// valueField labels a bare value ("7" → "value 7"); a value that says
// what it is ("x=1 y=2", "3 queued") stands as it is.
func valueField(v string) string {
	if strings.ContainsAny(v, "= ") {
		return v
	}
	return "value " + v
}

// detailFields splits a status's detail into its fields: "version 12",
// "copy term 1 seq 4, 2 waiting" → two fields.
func detailFields(d string) []string {
	if d == "" {
		return nil
	}
	var out []string
	for _, part := range strings.FieldsFunc(d, func(r rune) bool { return r == ',' || r == ';' }) {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// nodeTitle is a node's first line: its id and role, or its state when
// it is not up.
func nodeTitle(v sim.NodeView) string {
	switch {
	case !v.Up:
		return v.ID + " DOWN"
	case v.Paused:
		return v.ID + " PAUSED"
	}
	if v.Status.Role == sim.RoleNone {
		return v.ID
	}
	return v.ID + " " + string(v.Status.Role)
}

// packFields lays fields out on lines of at most width cells, as many to
// a line as fit, separated by " · "; a field longer than a line is
// wrapped, never cut.
func packFields(fields []string, width int) []string {
	var out []string
	line := ""
	for _, f := range fields {
		switch {
		case line == "":
			line = f
		case lineWidth(line)+3+lineWidth(f) <= width:
			line += " · " + f
		default:
			out = append(out, line)
			line = f
		}
		if lineWidth(line) > width {
			wrapped := wrapLines(line, width)
			out = append(out, wrapped[:len(wrapped)-1]...)
			line = wrapped[len(wrapped)-1]
		}
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}
