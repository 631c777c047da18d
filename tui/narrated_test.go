package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// storyPattern is the break point's line: "p0 read 7 at n3, but p1's write
// of 1 had finished 9ms before it began" (the part after the comma, and
// the node, are there when the witness holds them).
var storyPattern = regexp.MustCompile(`^p(\d+) (.+?)(?: at (n\d+)| \(sent to (n\d+), answered by (n\d+)\))?(?:, but p(\d+)'s (.+) had finished (\S+) before it began|: .+)?$`)

// nodeName is a node named in a sentence.
var nodeName = regexp.MustCompile(`\bn\d+\b`)

// assertNarratedFromTheRun holds every fact of the break point's lines to
// the run: the process, node and moment of the operation no order
// explains are the witness's failing operation's; the change it missed is
// another witness operation that finished exactly that long before; every
// node the state that mattered names is one of the run's.
func assertNarratedFromTheRun(t *testing.T, m Model) {
	t.Helper()
	l := m.lesson
	out, res := l.play.ahead.out, l.check.result
	if out == nil || res == nil || res.Failing == nil {
		return
	}
	if _, txn := l.check.txnResult(); txn {
		return // transactional stories are held to their cycle in txn_test.go
	}
	h := l.play.run.s.History()
	if out.stopIndex >= len(h) || h[out.stopIndex].Time != out.stopAt {
		t.Errorf("the break is at %s, but record %d is not there", fmtSeconds(out.stopAt), out.stopIndex)
	}
	ops := witnessOps(res.Witness)
	var failing *witnessOp
	for i := range ops {
		if ops[i].inv.Index == res.Failing.Index {
			failing = &ops[i]
		}
	}
	if failing == nil || failing.comp == nil {
		t.Fatalf("the witness has no completed failing operation")
	}
	if failing.comp.Index != h[out.stopIndex].Index {
		t.Errorf("the break is at record %d, the failing operation completes at record %d", h[out.stopIndex].Index, failing.comp.Index)
	}
	g := storyPattern.FindStringSubmatch(out.story)
	if g == nil {
		t.Fatalf("the break point's line does not read as a witness operation: %q", out.story)
	}
	// The node that answered is the one whose reply the client took: the
	// node asked, or the one it passed the request on to.
	answerer := answererFromTrace(t, l.play.run.s, *failing.comp)
	if got := answererOf(l.play.run.s, *failing.comp); got != answerer {
		t.Errorf("the sim says %s answered record %d, the trace %s", got, failing.comp.Index, answerer)
	}
	if g[1] != failing.inv.Process.String() || (g[3] != "" && (g[3] != failing.inv.Node || answerer != failing.inv.Node)) {
		t.Errorf("the line %q names p%s at %q; the failing operation is p%s's, sent to %s, answered by %s", out.story, g[1], g[3], failing.inv.Process, failing.inv.Node, answerer)
	}
	if g[4] != "" && (g[4] != failing.inv.Node || g[5] != answerer) {
		t.Errorf("the line %q names the wrong nodes: sent to %s, answered by %s", out.story, failing.inv.Node, answerer)
	}
	if failing.comp.Node != "" && !strings.Contains(out.mattered, " both led") {
		switch {
		case !strings.Contains(out.mattered, answerer+" answered"):
			t.Errorf("the state that mattered is not the answering node %s's: %q", answerer, out.mattered)
		case answerer != failing.comp.Node && !strings.Contains(out.mattered, "the request sent to "+failing.comp.Node):
			t.Errorf("the state that mattered does not say the request went to %s: %q", failing.comp.Node, out.mattered)
		}
	}
	if actual := h[out.stopIndex]; strings.HasPrefix(g[2], "read a set ") {
		// A projected set read: every element it names as held or not is
		// held or not by the read the history records.
		held := map[string]bool{}
		vs, _ := actual.Value.([]any)
		for _, x := range vs {
			held[history.Format(x)] = true
		}
		with, without, _ := strings.Cut(strings.TrimPrefix(g[2], "read a set "), " but not ")
		if strings.HasPrefix(with, "without ") {
			with, without = "", strings.TrimPrefix(with, "without ")
		}
		for _, part := range []struct {
			list string
			want bool
		}{{strings.TrimPrefix(with, "with "), true}, {without, false}} {
			for _, e := range strings.Split(strings.ReplaceAll(part.list, " and ", ", "), ", ") {
				if e != "" && held[e] != part.want {
					t.Errorf("the line %q says the read held %s: %v; the history's read says %v", out.story, e, part.want, held[e])
				}
			}
		}
	} else if !strings.HasPrefix(g[2], pastTense(failing.inv, failing.comp)) {
		t.Errorf("the line %q does not say what p%s did (%s)", out.story, g[1], pastTense(failing.inv, failing.comp))
	}
	if g[6] != "" {
		found := false
		for _, o := range ops {
			if o.inv.Process.String() == g[6] && o.comp != nil && o.comp.Type == history.OK &&
				fmtSpan(failing.inv.Time-o.comp.Time) == g[8] && nounPhrase(o.inv) == g[7] {
				found = true
			}
		}
		if !found {
			t.Errorf("the line %q names p%s's %s %s earlier, which no witness operation is", out.story, g[6], g[7], g[8])
		}
	}
	ids := map[string]bool{}
	for _, n := range l.play.run.s.Cluster() {
		ids[n.ID] = true
	}
	for _, n := range nodeName.FindAllString(out.mattered, -1) {
		if !ids[n] {
			t.Errorf("the state that mattered names %s, which is not in the run: %q", n, out.mattered)
		}
	}
}

// Lesson 8's reads are served from the storage node through a worker: the
// state that mattered leads with the storage node's, says the worker's in
// words that fit (it said "n4 answered holding computing"), and r's
// promise names the workers the pauses aim at, not a leader the design
// has none of.
func TestStateThatMatteredNamesTheStorageNode(t *testing.T) {
	t.Parallel()
	var m Model
	var out *aheadOutcome
	for seed := uint64(1); seed <= 30 && (out == nil || out.mattered == ""); seed++ {
		m = newTestModel(t, Options{Lesson: "lease-locks", Seed: seed, SeedSet: true}, 100, 45)
		m = press(t, m, "esc")
		m = startAhead(t, m)
		out = m.lesson.play.ahead.out
	}
	if out == nil || out.mattered == "" {
		t.Fatal("lesson 8 fails on none of seeds 1–30: nothing to check")
	}
	storage := ""
	for _, v := range m.lesson.play.run.s.Cluster() {
		if v.Status.Role == sim.RoleStorage {
			storage = v.ID
		}
	}
	if storage == "" || !strings.HasPrefix(out.mattered, storage+" ") {
		t.Errorf("the state that mattered does not lead with storage node %q: %q", storage, out.mattered)
	}
	if strings.Contains(out.mattered, "holding computing") || strings.Contains(out.mattered, "answered holding") {
		t.Errorf("a worker is said to hold data: %q", out.mattered)
	}
	if got := sameFaults(m.lesson.play.run.sc.Faults, m.lesson.own, nil); strings.Contains(got, "leads") || !strings.Contains(got, "worker") {
		t.Errorf("r's promise %q speaks of a leader in a design with workers", got)
	}
}

// Lesson 7's gateways pass a request on to the primary, which answers the
// client itself: the state that mattered is the primary's, whose value is
// the one the read returned, not the gateway's copy (it said "n3 answered
// holding value 89" beside a read of 90 that n1 had answered).
func TestStateThatMatteredIsTheAnswerersNotTheGateways(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{Lesson: "timeouts-are-unknown"}, 160, 45)
	m = press(t, m, "esc")
	m = startAhead(t, m)
	m = playUntilPaused(t, m)
	out, h := m.lesson.play.ahead.out, m.lesson.play.run.s.History()
	if out == nil || out.stopIndex < 0 || out.stopIndex >= len(h) {
		t.Fatal("lesson 7's default run does not break: nothing to check")
	}
	read := h[out.stopIndex]
	if read.F != "read" || read.Node == "n1" {
		t.Fatalf("the break is %s at %s, not a read sent to a gateway: the check below would prove nothing", read.F, read.Node)
	}
	if story := fmt.Sprintf("p%s read %v (sent to %s, answered by n1)", read.Process, read.Value, read.Node); !strings.HasPrefix(out.story, story) {
		t.Errorf("the break point's line does not say n1 answered: %q, want it to start %q", out.story, story)
	}
	want := fmt.Sprintf("n1 answered the request sent to %s, holding term ", read.Node)
	if !strings.HasPrefix(out.mattered, want) || !strings.Contains(out.mattered, fmt.Sprintf("value %v,", read.Value)) {
		t.Errorf("the state that mattered is not n1's, holding the value read (%v): %q", read.Value, out.mattered)
	}
}

// answererFromTrace is the node whose reply the client took for comp, read
// from the trace (the message view's replyOf): what sim.AnsweredBy is
// held to.
func answererFromTrace(t *testing.T, s *sim.Sim, comp history.Op) string {
	t.Helper()
	var x messageIndex
	x.absorb(s.Trace())
	client := sim.ClientOf(comp.Process, s.Config().Clients)
	for i := len(x.tr) - 1; i >= 0; i-- {
		if e := x.tr[i]; e.Kind == sim.TraceComplete && e.Src == client && e.Time == comp.Time {
			if r := x.replyOf(i); r >= 0 {
				return x.tr[r].Src
			}
			break
		}
	}
	if len(x.tr) == 0 {
		t.Fatal("the run has no trace: the answerer cannot be read from it")
	}
	return comp.Node
}
