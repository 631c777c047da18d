package lessons

import (
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/sim"

	"github.com/faultline-lab/faultline/history"
)

// l36ReadsGoBack reports whether a witness holds a write that never
// finished, a read that returned its value, and a read begun after that
// one finished which returned something else: the write-back story.
func l36ReadsGoBack(w history.History) bool {
	pairs, _ := w.Pairs()
	unfinished := map[any]bool{}
	for _, p := range pairs {
		if p.Invoke.F == "write" && (p.Completion == nil || p.Completion.Type != history.OK) {
			unfinished[p.Invoke.Value] = true
		}
	}
	reads := l36OK(w)
	for _, r1 := range reads {
		if r1.Invoke.F != "read" || !unfinished[r1.Completion.Value] {
			continue
		}
		for _, r2 := range reads {
			if r2.Invoke.F == "read" && r2.Invoke.Time > r1.Completion.Time && r2.Completion.Value != r1.Completion.Value {
				return true
			}
		}
	}
	return false
}

// l36StaleRead reports whether a witness holds a read that began after a
// write finished and returned a different value.
func l36StaleRead(w history.History) bool {
	ok := l36OK(w)
	for _, wr := range ok {
		for _, r := range ok {
			if wr.Invoke.F == "write" && r.Invoke.F == "read" && r.Invoke.Time > wr.Completion.Time && r.Completion.Value != wr.Invoke.Value {
				return true
			}
		}
	}
	return false
}

func TestSloppyQuorumsDefaultFails(t *testing.T) {
	t.Parallel()
	failing := assertFails(t, "sloppy-quorums", "", 150)
	for _, seed := range failing[:min(5, len(failing))] {
		if _, res := runFailing(t, "sloppy-quorums", "", seed); !l36StaleRead(res.Witness) {
			t.Errorf("seed %d: no read after a finished write in the witness %v", seed, res.Witness)
		}
	}
}

// TestSloppyQuorumsQuorumFails: R+W > N still fails, and the witness is
// the text's story — a read saw a write that never finished, and a later
// read did not.
func TestSloppyQuorumsQuorumFails(t *testing.T) {
	t.Parallel()
	failing := assertFails(t, "sloppy-quorums", "quorum", 40)
	goBack := 0
	for _, seed := range failing[:min(10, len(failing))] {
		if _, res := runFailing(t, "sloppy-quorums", "quorum", seed); l36ReadsGoBack(res.Witness) {
			goBack++
		}
	}
	if goBack < min(10, len(failing))*7/10 {
		t.Errorf("only %d of the first witnesses show reads going back past an unfinished write", goBack)
	}
}

func BenchmarkHunt1000_SloppyQuorums(b *testing.B) { benchHunt1000(b, "sloppy-quorums", "") }

func BenchmarkHunt1000_SloppyQuorumsQuorum(b *testing.B) {
	benchHunt1000(b, "sloppy-quorums", "quorum")
}

// TestSloppyQuorumsNarratedSeedsTellTheirStory checks what "What happened"
// says about seed 1 of the sloppy and one variants, and seed 4 of quorum.
func TestSloppyQuorumsNarratedSeedsTellTheirStory(t *testing.T) {
	t.Parallel()
	// sloppy: the write of 0 lands on n1 and, as a hint for n2, on the
	// fallback n4; n3's quorum (n2, n3) never saw it.
	s, res := runFailing(t, "sloppy-quorums", "sloppy", 1)
	cut, _ := l36Fault(s, sim.FaultPartition)
	if g := cut.Fault.Groups; len(g) != 2 || !slices.Equal(g[0], []string{"n1", "n4"}) {
		t.Errorf("the text says the cut at 1 s splits {n1 n4} from {n2 n3 n5}: %v", g)
	}
	l36At(t, s.History(), "p2 ok write 7 n3", 0.71)
	l36At(t, s.History(), "p0 ok write 0 n4", 1.24)
	l36At(t, s.History(), "p2 ok read 7 n3", 1.49)
	lrTraced(t, s, "n4→n1 put 0", "n4→c1 ok 0", "n4→n2 handoff 0")
	if !l36StaleRead(res.Witness) {
		t.Errorf("sloppy: the text says the witness is a stale read: %v", l36Brief(res.Witness))
	}

	s, res = runFailing(t, "sloppy-quorums", "one", 1)
	l36At(t, s.History(), "p3 ok write 7 n3", 0.69)
	l36At(t, s.History(), "p2 ok write 0 n4", 1.21)
	l36At(t, s.History(), "p0 ok read 7 n3", 1.26)
	if !l36StaleRead(res.Witness) {
		t.Errorf("one: the text says the witness is a stale read: %v", l36Brief(res.Witness))
	}

	s, res = runFailing(t, "sloppy-quorums", "quorum", 4)
	l36At(t, s.History(), "p1 ok write 5 n1", 0.65)
	l36At(t, s.History(), "p0 info write 4 n5", 1.95)
	l36At(t, s.History(), "p1 ok read 4 n3", 3.30)
	l36At(t, s.History(), "p1 ok read 5 n3", 3.60)
	if !l36ReadsGoBack(res.Witness) {
		t.Errorf("quorum: the text says the witness shows a read going back past an unfinished write: %v", l36Brief(res.Witness))
	}
}

var _ = tellsStory("sloppy-quorums", TestSloppyQuorumsNarratedSeedsTellTheirStory)
