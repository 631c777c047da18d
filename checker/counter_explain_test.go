package checker

import (
	"strings"
	"testing"
)

// Each branch of the counter explanation that follows a missed add, read
// whole: the sentence a learner found broken ("… acknowledged before it
// began make") must read as English in every branch.
func TestCounterMissedAddSentences(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		reads   []int64 // what the reads after the add return, in turn
		anomaly string
		want    string
	}{
		{"no later read", []int64{0}, AnomalyLostIncrement,
			"No read began after it in the history: as far as the history shows, an acknowledged add was lost."},
		{"later reads short", []int64{0, 0}, AnomalyLostIncrement,
			"In the history, every read that began after it also returned less than the sum of the adds acknowledged before that read began: as far as the history shows, an acknowledged add was lost."},
		{"later read caught up", []int64{0, 1}, AnomalyStaleRead,
			"In the history, a later read by process 2 [records 4 and 5] returned 1, no less than 1, the sum of the adds acknowledged before that read began: nothing was lost, and this read was served from stale state."},
	}
	for _, c := range cases {
		h := hist(inv(0, "add", 1), ok(0, "add", 1))
		for i, v := range c.reads {
			h = append(h, inv(i+1, "read", nil), ok(i+1, "read", v))
		}
		h.Reindex()
		res := mustCheck(t, h, Options{Model: ModelCounter})
		if res.Anomaly != c.anomaly || !strings.Contains(res.Explanation, c.want) {
			t.Errorf("%s: %s\n%s\nwant %q", c.name, res.Anomaly, res.Explanation, c.want)
		}
		if !strings.Contains(res.Explanation, "but the witness's add of 1 was acknowledged before that read began") {
			t.Errorf("%s: one add is spoken of as one: %s", c.name, res.Explanation)
		}
		if strings.Contains(res.Explanation, " make:") {
			t.Errorf("%s: a clause ends in a dangling verb: %s", c.name, res.Explanation)
		}
	}
}
