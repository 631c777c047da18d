package checker

import (
	"fmt"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// FormatText renders a result as `faultline check` prints it: the verdict,
// and for a failure the anomaly, the witness as a small timeline (a lane
// per process, time running left to right) and the explanation.
func FormatText(res Result) string {
	var b strings.Builder
	model := res.Model
	if model == "" {
		model = ModelRegister
	}
	switch res.Verdict {
	case Linearizable:
		fmt.Fprintf(&b, "linearizable (%s): %s checked%s.\n", model, plural(res.Ops, "operation"), partsText(res))
		return b.String()
	case Unknown:
		reason := res.Reason
		if reason == "" {
			reason = "the check stopped"
		}
		fmt.Fprintf(&b, "unknown (%s): %s, before it could decide; %s read.%s\n", model, reason, plural(res.Ops, "operation"), unknownHint(reason))
		return b.String()
	}
	fmt.Fprintf(&b, "NOT linearizable (%s): %s\n", model, res.Anomaly)
	b.WriteString(wrap(fmt.Sprintf("%s checked%s. %s", plural(res.Ops, "operation"), partsText(res), prefixText(res)), 78))
	b.WriteString("\n")
	if res.Reason != "" {
		fmt.Fprintf(&b, "The search for the witness stopped early: %s.\n", res.Reason)
	}
	b.WriteString("\n")
	ops := countOps(res.Witness)
	minimal := "removing any one of them makes the rest linearizable"
	if !res.WitnessMinimal {
		minimal = "it may not be minimal"
	}
	if ops == 1 {
		fmt.Fprintf(&b, "Witness: 1 operation that is not linearizable even on its own:\n\n")
	} else {
		fmt.Fprintf(&b, "Witness: %s that are not linearizable together (%s):\n\n", plural(ops, "operation"), minimal)
	}
	if len(res.Summary) > 0 {
		for _, line := range res.Summary {
			b.WriteString(indent(wrap(line, 74), "  - ", "    "))
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	w := res.Witness
	if ops > timelineMax {
		w = LastOps(w, timelineMax)
		fmt.Fprintf(&b, "  (the last %d drawn; --json or --html show all %d)\n", timelineMax, ops)
	}
	b.WriteString(Timeline(w, res.Failing))
	if len(res.Faults) > 0 {
		var names []string
		for _, f := range res.Faults {
			names = append(names, f.String())
		}
		b.WriteString(indent(wrap("Faults in force during these operations: "+strings.Join(names, "; ")+".", 76), "  ", "  "))
		b.WriteString("\n")
	}
	b.WriteString("\n")
	b.WriteString(wrap(res.Explanation, 78))
	b.WriteString("\n")
	return b.String()
}

// prefixText says where the history stops being linearizable, so that it
// cannot be misread: Prefix counts the records that linearize, and the
// record at that position (Tip) is the first that cannot be added. The
// failing operation's invocation lies inside the prefix (an operation still
// in flight may take effect or not); its completion is the tip.
func prefixText(res Result) string {
	var op string
	if f := res.Failing; f != nil {
		op = fmt.Sprintf("process %v's %s", f.Process, f.F)
	}
	if res.Prefix < 0 || res.Tip == nil {
		s := "Where the history stops being linearizable was not determined"
		if op != "" {
			s += fmt.Sprintf("; the witness ends in %s, invoked at record %d", op, res.Failing.Index)
		}
		return s + "."
	}
	tip := res.Tip
	s := fmt.Sprintf("The first %s of the history linearize", plural(res.Prefix, "record"))
	if tip.Index == int64(res.Prefix) {
		// Records numbered by position (the usual case): name the range.
		s = fmt.Sprintf("Records 0 to %d linearize", res.Prefix-1)
	}
	if res.Key != "" {
		s = fmt.Sprintf("Taking key %s's operations alone, %s", res.Key, strings.ToLower(s[:1])+s[1:])
	}
	if f := res.Failing; f != nil && tip.Process == f.Process && tip.Index > f.Index {
		return s + fmt.Sprintf("; record %d, where %s (invoked at record %d) returns, is the first that cannot be added.", tip.Index, op, f.Index)
	}
	s += fmt.Sprintf("; record %d, where process %v's %s completes, is the first that cannot be added", tip.Index, tip.Process, tip.F)
	if op != "" {
		s += fmt.Sprintf(". The witness is explained through %s, invoked at record %d", op, res.Failing.Index)
	}
	return s + "."
}

// indent prefixes a block's first line with first and the others with rest.
func indent(block, first, rest string) string {
	lines := strings.Split(block, "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = rest + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// timelineMax is how many operations FormatText draws.
const timelineMax = 10

// LastOps keeps the records of the last n operations invoked, and the later
// records of their processes: the part of a long witness a timeline draws.
func LastOps(h history.History, n int) history.History {
	invokes := 0
	start := len(h)
	for i := len(h) - 1; i >= 0 && invokes < n; i-- {
		if h[i].Type == history.Invoke && !h[i].IsNemesis() {
			invokes++
			start = i
		}
	}
	keep := map[history.Process]bool{}
	var out history.History
	for i, o := range h {
		switch {
		case i >= start && o.Type == history.Invoke:
			keep[o.Process] = true
			out = append(out, o)
		case i >= start && keep[o.Process]:
			out = append(out, o)
		}
	}
	return out
}

func partsText(res Result) string {
	if res.Partitions > 1 {
		return fmt.Sprintf(" in %d partitions", res.Partitions)
	}
	return ""
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func countOps(h history.History) int {
	n := 0
	for _, o := range h {
		if o.Type == history.Invoke && !o.IsNemesis() {
			n++
		}
	}
	return n
}

// bar is one operation of the timeline.
type bar struct {
	inv, comp int // record indexes in the witness; comp -1 when none
	label     string
	end       byte
	failing   bool
}

// Timeline draws a witness: one lane per process, one bar per operation
// from its invocation to its completion, in history order. Bar ends: | ok,
// ? info (may or may not have happened), x failed, > never completed.
func Timeline(w history.History, failing *history.Op) string {
	lanes := map[history.Process][]*bar{}
	var order []history.Process
	open := map[history.Process]*bar{}
	var bars []*bar
	for i, o := range w {
		if o.IsNemesis() {
			continue
		}
		if o.Type == history.Invoke {
			b := &bar{inv: i, comp: -1, end: '>', label: invokeLabel(o)}
			b.failing = failing != nil && o.Index == failing.Index && o.Process == failing.Process
			if _, seen := lanes[o.Process]; !seen {
				order = append(order, o.Process)
			}
			lanes[o.Process] = append(lanes[o.Process], b)
			open[o.Process] = b
			bars = append(bars, b)
			continue
		}
		if b := open[o.Process]; b != nil {
			b.comp = i
			b.end = map[history.Type]byte{history.OK: '|', history.Info: '?', history.Fail: 'x'}[o.Type]
			if o.Type == history.OK {
				b.label = completeLabel(b.label, o)
			}
			delete(open, o.Process)
		}
	}
	// Column of each record: far enough right that every bar fits its label.
	x := make([]int, len(w)+1)
	pos := 0
	for i := range w {
		if i > 0 {
			pos += 2
		}
		for _, b := range bars {
			if b.comp == i {
				pos = max(pos, x[b.inv]+len([]rune(b.label))+3)
			}
		}
		x[i] = pos
	}
	width := pos + 2
	for _, b := range bars {
		if b.comp < 0 {
			width = max(width, x[b.inv]+len([]rune(b.label))+5)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return lanes[order[i]][0].inv < lanes[order[j]][0].inv })
	var out strings.Builder
	for _, p := range order {
		line := []rune(strings.Repeat(" ", width))
		mark := ""
		for _, b := range lanes[p] {
			end := width - 1
			if b.comp >= 0 {
				end = x[b.comp]
			}
			drawBar(line, x[b.inv], end, b)
			if b.failing {
				mark = "  ← cannot be linearized"
			}
		}
		fmt.Fprintf(&out, "  %-9s %s%s\n", "process "+p.String(), strings.TrimRight(string(line), " "), mark)
	}
	out.WriteString("  (|--| ok  --? info: may or may not have happened  --x failed: did not happen  --> never completed)\n")
	return out.String()
}

func drawBar(line []rune, from, to int, b *bar) {
	label := []rune(" " + b.label + " ")
	line[from] = '|'
	for i := from + 1; i < to; i++ {
		line[i] = '-'
	}
	start := from + 1 + max(0, (to-from-1-len(label))/2)
	for i, r := range label {
		if start+i < to {
			line[start+i] = r
		}
	}
	line[to] = rune(b.end)
}

func invokeLabel(o history.Op) string {
	s := o.F
	if o.Key != "" {
		s += " " + o.Key
	}
	switch o.F {
	case "read", "get", "dequeue", "drain", "acquire", "release":
		return s
	}
	if o.Value != nil {
		s += " " + history.Format(o.Value)
	}
	return s
}

func completeLabel(label string, o history.Op) string {
	if o.F == "acquire" && o.Value == nil {
		return label
	}
	switch o.F {
	case "read", "get", "dequeue", "drain", "acquire":
		return label + " → " + history.Format(o.Value)
	case "txn":
		return o.F + " " + history.Format(o.Value)
	}
	return label
}

// wrap breaks text into lines of at most width columns.
func wrap(text string, width int) string {
	var out strings.Builder
	col := 0
	for _, word := range strings.Fields(text) {
		n := len([]rune(word))
		if col > 0 && col+1+n > width {
			out.WriteByte('\n')
			col = 0
		} else if col > 0 {
			out.WriteByte(' ')
			col++
		}
		out.WriteString(word)
		col += n
	}
	return out.String()
}

// unknownHint says what might decide a check that stopped for reason (as
// limits.reason words it): more time helps a search that ran out of
// time, not one that reached its memory limit.
func unknownHint(reason string) string {
	switch {
	case strings.Contains(reason, "memory limit"):
		return " More time would not help: the search needs more memory than the checker allows; a shorter history may be decided."
	case strings.Contains(reason, "cancelled"):
		return ""
	}
	return " A longer --timeout may decide it."
}
