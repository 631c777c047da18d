package txn

import (
	"fmt"
	"strings"
)

// FormatText renders a result as `faultline check` prints it: the verdict,
// the explanation of the most severe forbidden anomaly (or why the history
// passes), every anomaly type found with its count, and the models the
// history violates and satisfies.
func FormatText(res Result) string {
	var b strings.Builder
	size := fmt.Sprintf("%s, %d transactions, %d dependencies", res.Workload, len(res.Txns), res.Dependencies)
	switch res.Verdict {
	case Valid:
		fmt.Fprintf(&b, "%s (%s)\n\n", res.Consistency, size)
	case Invalid:
		fmt.Fprintf(&b, "NOT %s (%s): %s\n\n", res.Consistency, size, strings.Join(res.Forbidden, ", "))
	default:
		fmt.Fprintf(&b, "unknown whether %s (%s)\n\n", res.Consistency, size)
	}
	b.WriteString(fill(res.Explanation, 78))
	b.WriteString("\n")
	if len(res.Types) > 0 {
		b.WriteString("\nAnomalies found, most severe first:\n")
		for _, t := range res.Types {
			n := 0
			for _, a := range res.Anomalies {
				if a.Type == t {
					n++
				}
			}
			mark := " "
			if Forbids(res.Consistency, t) {
				mark = "!"
			}
			fmt.Fprintf(&b, " %s %-28s %4d  %s\n", mark, t, n, PlainName(t))
		}
		if len(res.Forbidden) > 0 {
			fmt.Fprintf(&b, "   (! marks what %s forbids)\n", res.Consistency)
		}
	}
	b.WriteString("\n")
	if len(res.Not) > 0 {
		fmt.Fprintf(&b, "Violates %s, and so every stronger model.\n", strings.Join(res.Not, " and "))
	}
	if len(res.Satisfies) == 0 {
		b.WriteString("Satisfies none of the models checked.\n")
	} else {
		fmt.Fprintf(&b, "Satisfies at most %s.\n", strings.Join(res.Satisfies, " and "))
	}
	return b.String()
}

// fill breaks text into lines of at most width characters, at spaces.
func fill(text string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(text) {
		switch {
		case n == 0:
		case n+1+len(w) > width:
			b.WriteString("\n")
			n = 0
		default:
			b.WriteString(" ")
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
