package checker

import (
	"strings"
	"testing"
)

// An unknown verdict's advice fits why the check stopped: a longer
// --timeout for time, never for memory; one "before it could decide".
func TestUnknownTextFitsItsReason(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ reason, want, not string }{
		{"the time limit (1s) ran out during the verdict search", "A longer --timeout may decide it.", "memory"},
		{"the verdict search reached its memory limit (384 MB)", "More time would not help", "--timeout"},
		{"", "the check stopped, before it could decide", "decide, before it could decide"},
	} {
		got := FormatText(Result{Verdict: Unknown, Model: ModelRegister, Ops: 3, Reason: c.reason})
		if !strings.Contains(got, c.want) || strings.Contains(got, c.not) {
			t.Errorf("reason %q: %q; want %q and not %q", c.reason, got, c.want, c.not)
		}
	}
}
