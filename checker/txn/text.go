package txn

import (
	"fmt"
	"slices"
	"strings"
)

// FormatText renders a result as `faultline check` prints it: the verdict,
// the explanation of the most severe forbidden anomaly (or why the history
// passes), every anomaly type found with its count, and the models the
// history violates and satisfies.
func FormatText(res Result) string {
	var b strings.Builder
	size := fmt.Sprintf("%s, %d transactions, %d dependencies", res.Workload, len(res.Txns), res.Dependencies)
	var head string
	switch res.Verdict {
	case Valid:
		head = fmt.Sprintf("%s (%s)", res.Consistency, size)
	case Invalid:
		head = fmt.Sprintf("NOT %s (%s): %s", res.Consistency, size, strings.Join(res.Forbidden, ", "))
	default:
		head = fmt.Sprintf("unknown whether %s (%s)", res.Consistency, size)
	}
	b.WriteString(fill(head, 78))
	b.WriteString("\n\n")
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
	b.WriteString(fill(satisfiesText(res.Satisfies), 78))
	b.WriteString("\n")
	return b.String()
}

// satisfiesText names the strongest models a history satisfies: every
// weaker one holds too, and, when it is not the strongest model checked,
// no stronger one does.
func satisfiesText(sat []string) string {
	switch {
	case len(sat) == 0:
		return "Satisfies none of the models checked."
	case slices.Equal(sat, strongest(Models())):
		return fmt.Sprintf("Satisfies %s, the strongest model checked, and so every weaker one.", strings.Join(sat, " and "))
	}
	return fmt.Sprintf("Satisfies %s and every weaker model, but no stronger one.", strings.Join(sat, " and "))
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
