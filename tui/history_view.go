package tui

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// historyPane is the history beside the cluster, on the lesson screen and
// the learner's own node's: the latest records while the run plays, or
// from the record the learner scrolled (or a verdict pointed) to. It is
// handed the records to show; it keeps only where it is.
type historyPane struct {
	top int // the first record shown; -1 follows the run
}

func newHistoryPane() historyPane { return historyPane{top: -1} }

// follow shows the latest records again.
func (p *historyPane) follow() { p.top = -1 }

// scroll moves by n records of total, rows at a time on the screen.
func (p *historyPane) scroll(n, total, rows int) { p.top = scrollHistory(p.top, n, total, rows) }

// centre puts record i in the middle of rows.
func (p *historyPane) centre(i int64, rows int) { p.top = max(0, int(i)-rows/2) }

// title counts the records shown; upTo names the moment they stop at
// ("" for the present).
func (p historyPane) title(records int, upTo string) string {
	t := fmt.Sprintf("history · %d records", records)
	switch {
	case upTo != "":
		t += " · up to " + upTo
	case p.top >= 0:
		t += " · scrolled"
	}
	return t
}

// lines are rows records of h, marked where a verdict's witness is. Only
// the visible records are formatted, so a long history costs no more than
// a short one.
func (p historyPane) lines(st *Styles, h history.History, width, rows int, marks map[int64]mark) []string {
	return recordLines(st, h, p.top, rows, width, marks)
}

// scrollHistory moves the history pane's first record shown by n (top
// -1: following the run); back at the end, it follows the run again.
func scrollHistory(top, n, total, rows int) int {
	if top < 0 {
		top = max(0, total-rows)
	}
	top = max(0, min(top+n, total-rows))
	if top >= total-rows {
		return -1
	}
	return top
}

// recordLines are rows records of h from top (-1: the latest), marked
// where a verdict's witness is.
func recordLines(st *Styles, h history.History, top, rows, width int, marks map[int64]mark) []string {
	if rows <= 0 {
		return nil
	}
	if len(h) == 0 {
		msg := "No records yet. Each line will be an invocation or a completion."
		if lineWidth(msg) > width {
			msg = "No records yet."
		}
		return []string{st.Dim.Render(cut(msg, width))}
	}
	if top < 0 || top > len(h)-rows {
		top = max(0, len(h)-rows)
	}
	out := make([]string, 0, rows)
	for i := top; i < len(h) && len(out) < rows; i++ {
		out = append(out, renderRecord(st, h[i], marks[h[i].Index], width))
	}
	return out
}

// renderRecord is one history record on one line: a mark, the time, the
// process, the type and the operation. Marks and types are words and
// symbols, so they read without colour.
func renderRecord(st *Styles, o history.Op, mk mark, width int) string {
	gutter := "  "
	switch mk {
	case markWitness:
		gutter = "> "
	case markFailing:
		gutter = "! "
	}
	line := cut(gutter+fitRecord(o, width-len(gutter)), width)
	switch {
	case mk == markFailing:
		return st.Failing.Render(line)
	case mk == markWitness:
		return st.Witness.Render(line)
	case o.IsNemesis():
		return st.Nemesis.Render(line)
	}
	return line
}

// fitRecord is formatRecord in width columns: where the whole line does
// not fit, the value wins over the less important columns — the type
// word, then the node, then the time's precision, then the time itself.
func fitRecord(o history.Op, width int) string {
	full := formatRecord(o)
	if lineWidth(full) <= width || o.IsNemesis() {
		return full
	}
	short := map[history.Type]string{history.Invoke: "inv", history.OK: "ok", history.Fail: "fail", history.Info: "info"}[o.Type]
	op := opText(o)
	if o.Error != "" {
		op += " (" + o.Error + ")"
	}
	p := "p" + o.Process.String()
	node := ""
	if o.Node != "" {
		node = " @" + o.Node
	}
	secs := float64(o.Time) / 1e9
	for _, line := range []string{
		fmt.Sprintf("%7.3f %-3s %-4s %s%s", secs, p, short, op, node),
		fmt.Sprintf("%7.3f %-3s %-4s %s", secs, p, short, op),
		fmt.Sprintf("%5.1f %s %s %s", secs, p, short, op),
		fmt.Sprintf("%s %s %s", p, short, op),
	} {
		if lineWidth(line) <= width {
			return line
		}
	}
	return fmt.Sprintf("%s %s %s", p, short, op)
}

// formatRecord writes a record as `  3.212 p0  invoke write 3      n2`.
func formatRecord(o history.Op) string {
	t := fmt.Sprintf("%7.3f", float64(o.Time)/1e9)
	if o.IsNemesis() {
		return fmt.Sprintf("%s nemesis %s", t, nemesisText(o))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %-3s %-6s %s", t, "p"+o.Process.String(), o.Type, opText(o))
	if o.Node != "" {
		b.WriteString(" @" + o.Node)
	}
	if o.Error != "" {
		b.WriteString(" (" + o.Error + ")")
	}
	return b.String()
}

// opText is the function and its value as a learner reads them: `write 3`,
// `read` (invoked), `read 2` (completed), `cas 1→2`.
func opText(o history.Op) string {
	if t, ok := txnText(o.Value, o.Type == history.OK); ok && o.F == "txn" {
		return "txn " + t
	}
	s := o.F
	if o.Key != "" {
		s += " " + o.Key
	}
	if o.F == "cas" {
		if pair, ok := o.Value.([]any); ok && len(pair) == 2 {
			return s + " " + history.Format(pair[0]) + "→" + history.Format(pair[1])
		}
	}
	if o.Value == nil && o.Type != history.OK {
		return s // an invoked read: its value comes with the completion
	}
	return s + " " + history.Format(o.Value)
}

// nemesisText is a fault record's description.
func nemesisText(o history.Op) string {
	if m, ok := o.Value.(map[string]any); ok {
		if d, ok := m["desc"].(string); ok {
			return d
		}
	}
	return o.F
}
