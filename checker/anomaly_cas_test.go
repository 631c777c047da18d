package checker

import (
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

func TestCASAnomalies(t *testing.T) {
	t.Parallel()
	miss := func(p int, from, to any) history.Op {
		o := fail(p, "cas", []any{from, to})
		o.Error = history.ErrorMismatch
		return o
	}
	runAnomalyCases(t, []anomalyCase{
		{"two cas from one write, the write concurrent", "cas-register", nil, hist(
			inv(4, "write", 128), inv(0, "cas", []any{128, 129}), ok(4, "write", 128), inv(2, "cas", []any{128, 130}),
			ok(0, "cas", []any{128, 129}), ok(2, "cas", []any{128, 130})),
			NotLinearizable, AnomalyLostUpdate, []string{"Process 4 put 128 in the register once", "process 0 and process 2"}},
		{"two cas from the value a cas put back", "cas-register", nil, splitBrainHistory(),
			NotLinearizable, AnomalyLostUpdate, []string{"Process 0 put 4 in the register once", "to 2 and to 1"}},
		{"an unanswered cas shown by a read, and another from the same value", "cas-register", nil, hist(
			inv(0, "write", 30), ok(0, "write", 30), inv(2, "cas", []any{30, 31}),
			inv(1, "cas", []any{30, 32}), ok(1, "cas", []any{30, 32}),
			inv(0, "read", nil), ok(0, "read", 31)),
			NotLinearizable, AnomalyLostUpdate, []string{"got no answer", "process 0 read 31"}},
		{"a cas begun after its value was replaced", "cas-register", nil, hist(
			inv(0, "write", 1), ok(0, "write", 1), inv(1, "write", 4), ok(1, "write", 4),
			inv(2, "cas", []any{1, 0}), ok(2, "cas", []any{1, 0})),
			NotLinearizable, AnomalyLostUpdate, []string{"the write of 4 was lost"}},
		{"a cas begun after its value was replaced by its own new value", "cas-register", nil, hist(
			inv(0, "write", 1), ok(0, "write", 1), inv(0, "write", 2), ok(0, "write", 2),
			inv(5, "cas", []any{1, 2}), ok(5, "cas", []any{1, 2})),
			NotLinearizable, AnomalyStaleRead, []string{"stale state"}},
		{"a cas that took effect after a write, as a read shows", "cas-register", nil, hist(
			inv(0, "write", 36), inv(4, "cas", []any{36, 37}), ok(0, "write", 36),
			inv(3, "write", 38), ok(3, "write", 38), ok(4, "cas", []any{36, 37}),
			inv(2, "read", nil), ok(2, "read", 37)),
			NotLinearizable, AnomalyLostUpdate, []string{"process 2's read began", "the write of 38 was lost"}},
		{"an unanswered cas that took effect after a write, as a missed compare shows", "cas-register", nil, hist(
			inv(2, "write", 41), ok(2, "write", 41), inv(3, "cas", []any{41, 43}),
			inv(2, "write", 44), ok(2, "write", 44), inv(4, "cas", []any{44, 45}), miss(4, 44, 45)),
			NotLinearizable, AnomalyLostUpdate, []string{"found 44 gone", "which got no answer", "the write of 44 was lost"}},
	})
}

// splitBrainHistory is lesson 4's seed 1 around its failure: 4 written,
// then 0; a cas puts 4 back; two cas from 4 both succeed.
func splitBrainHistory() history.History {
	return hist(
		inv(2, "write", 4), ok(2, "write", 4),
		inv(4, "write", 0), ok(4, "write", 0),
		inv(2, "read", nil), ok(2, "read", 0),
		inv(0, "cas", []any{0, 4}), ok(0, "cas", []any{0, 4}),
		inv(2, "cas", []any{4, 2}), ok(2, "cas", []any{4, 2}),
		inv(4, "cas", []any{4, 1}), ok(4, "cas", []any{4, 1}))
}

// A witness must not drop the compare-and-set that put a value back and
// keep an older write of it: the later compare-and-set from that value
// would then fail only because of what the witness left out.
func TestWitnessKeepsTheLatestSource(t *testing.T) {
	t.Parallel()
	res := mustCheck(t, splitBrainHistory(), Options{Model: "cas-register"})
	var ops []string
	for _, o := range res.Witness {
		if o.Type == history.OK {
			ops = append(ops, o.F+" "+history.Format(o.Value))
		}
	}
	got := strings.Join(ops, ", ")
	for _, want := range []string{"cas [0 4]", "cas [4 2]", "cas [4 1]"} {
		if !strings.Contains(got, want) {
			t.Errorf("witness %s lacks %s", got, want)
		}
	}
	if strings.Contains(got, "write 4") {
		t.Errorf("witness %s keeps the write of 4 that the cas from 0 to 4 replaced as a source", got)
	}
}
