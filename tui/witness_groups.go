package tui

import (
	"strings"

	"github.com/faultline-lab/faultline/checker"
)

// witnessGroups is a long witness as the checker grouped it
// (Result.Summary: "99 adds of 1, all acknowledged before process 1's read
// began (between records 5 and 250)"), and the explanation without the
// sentence that tells the same groups as prose. Every group, count and
// record range is the checker's, from the witness beside it; nothing here
// adds a number. groups is nil when the checker did not group the witness.
func witnessGroups(res *checker.Result) (groups []string, rest string) {
	if res == nil {
		return nil, ""
	}
	if len(res.Summary) == 0 {
		return nil, res.Explanation
	}
	prose := "The witness, grouped: " + strings.Join(res.Summary, "; ") + "."
	rest = res.Explanation
	if strings.HasPrefix(rest, prose) {
		rest = strings.TrimSpace(strings.TrimPrefix(rest, prose))
	}
	return res.Summary, rest
}

// bulletLines wraps a group as a list item: "• " then a hanging indent.
func bulletLines(s string, width int) []string {
	lines := wrapLines(s, max(10, width-2))
	for i := range lines {
		if i == 0 {
			lines[i] = "• " + lines[i]
		} else {
			lines[i] = "  " + lines[i]
		}
	}
	return lines
}

// groupedLines is the witness's groups as a titled list, for the verdict
// and the witness view.
func groupedLines(title string, groups []string, width int) []string {
	out := wrapLines(title, width)
	for _, g := range groups {
		out = append(out, bulletLines(g, width)...)
	}
	return out
}

// witnessDrawn is how many operations of a grouped witness the witness
// view draws until the learner asks for all of them (the CLI draws as
// many): the groups say what the rest did.
const witnessDrawn = 10
