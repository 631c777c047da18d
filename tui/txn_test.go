package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/checker/txn"
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// The transactional lessons' narrated seeds (their texts' narrates).
var txnStories = []struct {
	id, variant string
	seed        uint64
	verdict     string // the verdict's words
	anomaly     string // its plain name and type
	story       string // the line where it breaks
	boxes       []string
	edges       []string
}{
	{"dirty-reads", "read-uncommitted", 1, "NOT READ COMMITTED", "aborted read (G1a)",
		"p4's transaction committed having read k3 with 4 in it, which p0's transaction wrote — and p0 failed",
		[]string{"T2 · p0 · records 15–17 · fail (locked)", "T1 · p4 · records 13–18 · ok"},
		[]string{"wr k3 · T1 read k3 with 4 in it, which T2 wrote, and then failed"}},
	{"lost-update", "read-committed", 1, "NOT SNAPSHOT ISOLATION", "lost update (lost-update)",
		"p3 and p4 both read k1 = nil, then wrote k1, and both committed",
		[]string{"T1 · p3 · records 0–3 · ok", "T2 · p4 · records 1–2 · ok"},
		[]string{"rw k1 · T1 read k1 = nil (never written), before T2 wrote 2", "rw k1 · T2 read k1 = nil (never written), before T1 wrote 1"}},
	{"write-skew", "snapshot-isolation", 3, "NOT SERIALIZABLE", "write skew (G2-item)",
		"p0 →rw k3→ p1 →rw k1→ p0",
		[]string{"T1 · p0 · records 4–9 · ok", "T2 · p1 · records 6–10 · ok"},
		[]string{"rw k3 · T1 read k3 empty, before T2's append of 1", "rw k1 · T2 read k1 empty, before T1's append of 1"}},
}

// txnBreak opens a transactional lesson at its narrated run and plays it
// to where it breaks.
func txnBreak(t testing.TB, id string, w, h int) Model {
	t.Helper()
	m := newTestModel(t, Options{Lesson: id}, w, h)
	m = press(t, m, "esc")
	m = startAhead(t, m)
	return playUntilPaused(t, m)
}

// flat is a view without box edges and with its whitespace runs made
// single, for phrases that wrap inside a box.
func flat(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(plain(s), "│", " ")), " ")
}

// Each lesson's narrated run stops where its anomaly is complete, says
// the verdict in its model's words, and tells what happened there.
func TestTxnLessonsStopWhereTheAnomalyIsComplete(t *testing.T) {
	t.Parallel()
	for _, c := range txnStories {
		t.Run(c.id, func(t *testing.T) {
			t.Parallel()
			m := txnBreak(t, c.id, 100, 30)
			l := m.lesson
			if l.variant != c.variant || l.seed != c.seed {
				t.Fatalf("opened on %s seed %d, the text narrates %s seed %d", l.variant, l.seed, c.variant, c.seed)
			}
			tr, ok := l.check.txnResult()
			if !ok {
				t.Fatal("the verdict carries no transactional result")
			}
			a, _ := lessons.FirstForbidden(tr)
			last := -1
			for _, id := range a.Txns {
				last = max(last, tr.Txns[id].CompleteAt)
			}
			if got := len(l.play.run.s.History()) - 1; got != last || l.play.run.done() {
				t.Errorf("stopped after record %d, want the anomaly's last completion, record %d", got, last)
			}
			v := flat(m.View())
			for _, want := range []string{c.verdict + " — " + c.anomaly, "Stopped where it breaks", c.story} {
				if !strings.Contains(v, want) {
					t.Errorf("the break point lacks %q:\n%s", want, plain(m.View()))
				}
			}
			if strings.Contains(v, "LINEARIZABLE") {
				t.Errorf("a transactional verdict in linearizability's words:\n%s", plain(m.View()))
			}
		})
	}
}

func TestTxnFixPassesInItsModelsWords(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{Lesson: "write-skew", Variant: "fixed", Seed: 3, SeedSet: true}, 100, 30)
	m = press(t, m, "esc")
	m = playToEnd(t, m)
	if res := m.lesson.check.result; res == nil || res.Verdict != checker.Linearizable {
		t.Fatalf("fixed: %+v", res)
	}
	if v := flat(m.View()); !strings.Contains(v, "SERIALIZABLE — no anomaly that serializable forbids among 201 transactions") {
		t.Errorf("the pass does not say what held:\n%s", plain(m.View()))
	}
	m = pressSettle(t, m, "w")
	if v := flat(m.View()); !strings.Contains(v, "the checker found no anomaly, so there is no cycle to draw") {
		t.Errorf("cycle view of a clean run:\n%s", plain(m.View()))
	}
}

// The cycle view draws the transactions and the dependencies of the very
// anomaly the verdict names: every step of the checker's cycle, with its
// key and words, and the narrated facts.
func TestCycleViewDrawsTheWitness(t *testing.T) {
	t.Parallel()
	for _, c := range txnStories {
		t.Run(c.id, func(t *testing.T) {
			t.Parallel()
			for _, size := range [][2]int{{80, 24}, {160, 45}} {
				m := txnBreak(t, c.id, size[0], size[1])
				m = pressSettle(t, m, "w")
				e := &m.lesson.explore
				if !e.open || e.view != viewCycle {
					t.Fatalf("w opened view %d, want the cycle view", e.view)
				}
				tr, _ := m.lesson.check.txnResult()
				a, _ := lessons.FirstForbidden(tr)
				v := flat(m.View())
				want := append(append([]string{"of " + fmt.Sprint(len(cycleOrder(tr))) + " · " + c.anomaly}, c.boxes...), c.edges...)
				for _, st := range a.Steps {
					want = append(want, string(st.Rel)+" "+keyWords(st.Key)+" · "+st.Text)
				}
				for i, id := range a.Txns {
					want = append(want, fmt.Sprintf("T%d · p%v · %s", i+1, tr.Txns[id].Process, recordsWords(tr.Txns[id])))
				}
				for _, w := range want {
					if size[0] == 80 && len(w) > 60 {
						w = w[:60] // a long label is cut at 80 columns
					}
					if !strings.Contains(v, w) {
						t.Errorf("%dx%d: the cycle view lacks %q:\n%s", size[0], size[1], w, plain(m.View()))
					}
				}
				if d := newCycleDiagram(tr, a); d.closed != strings.Contains(v, "┌─▶") {
					t.Errorf("%dx%d: closed %v, but the return arrow shown is %v", size[0], size[1], d.closed, !d.closed)
				}
				assertFits(t, m.View(), size[0], size[1])
			}
		})
	}
}

// tab steps through the anomalies, ↓ and enter carry a transaction to the
// timeline, f comes back to the verdict's anomaly.
func TestCycleViewKeys(t *testing.T) {
	t.Parallel()
	m := txnBreak(t, "write-skew", 100, 30)
	m = pressSettle(t, m, "w")
	tr, _ := m.lesson.check.txnResult()
	n := len(cycleOrder(tr))
	if n < 2 {
		t.Fatalf("%d anomalies: the test needs two", n)
	}
	m = pressSettle(t, m, "tab")
	if e := m.lesson.explore; e.cyc.anomaly != 1 || !strings.Contains(plain(m.View()), fmt.Sprintf("cycle 2 of %d", n)) {
		t.Errorf("tab: anomaly %d\n%s", e.cyc.anomaly, plain(m.View()))
	}
	m = pressSettle(t, m, "f", "down")
	if e := m.lesson.explore; e.cyc.anomaly != 0 || e.cyc.cursor != 1 || !strings.Contains(plain(m.View()), "▸ T2 · p1") {
		t.Errorf("f then ↓: anomaly %d, box %d\n%s", e.cyc.anomaly, e.cyc.cursor, plain(m.View()))
	}
	m = pressSettle(t, m, "enter")
	e := &m.lesson.explore
	if e.view != viewHistory {
		t.Fatalf("enter opened view %d, want the timeline", e.view)
	}
	if got := e.look.tl.h[e.look.tl.ops[e.cursor].inv].Index; got != 6 {
		t.Errorf("the timeline opened at record %d, want T2's invocation, record 6", got)
	}
	// The order pane says what the checker did instead of an order.
	if v := flat(m.View()); !strings.Contains(v, "This transaction is part of a write skew (G2-item) the checker found — w draws it.") {
		t.Errorf("the timeline's note on a transaction:\n%s", plain(m.View()))
	}
	m = pressSettle(t, m, "w")
	if m.lesson.explore.view != viewCycle {
		t.Error("w from the timeline does not open the cycle view")
	}
}

// The message view around the anomaly shows the server's steps of the
// transactions that interleaved there.
func TestTxnMessagesShowTheServersSteps(t *testing.T) {
	t.Parallel()
	m := txnBreak(t, "dirty-reads", 100, 30)
	m = pressSettle(t, m, "m")
	rows := m.lesson.explore.viewRows()
	var logs []string
	for _, p := range rows {
		if ev := m.lesson.explore.look.msgs.tr[p]; ev.Kind == sim.TraceLog {
			logs = append(logs, ev.Detail)
		}
	}
	joined := strings.Join(logs, " | ")
	for _, want := range []string{"txn #9 appends to k3 4", "txn #8 reads k3: [1 2 4]", "txn #9 aborts: txn #8 holds the lock on k1"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the message view's rows lack %q: %s", want, joined)
		}
	}
	if v := plain(m.View()); !strings.Contains(v, "p4's txn reads k3: [1 2 4]") || !strings.Contains(v, "txn r k1, append k3 4, append k1 5") {
		t.Errorf("the message view does not show the steps and the transaction:\n%s", v)
	}
}

// e exports the history as Jepsen's transactional EDN, which the checker
// reads back to the same verdict; there is no porcupine page.
func TestTxnExportChecksAgain(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{Lesson: "write-skew"}, 160, 40)
	m = press(t, m, "esc")
	m = playToEnd(t, m)
	dir := t.TempDir()
	m = pressSettle(t, m, "e")
	m = typeText(t, m, dir)
	m = pressSettle(t, m, "enter")
	base := filepath.Join(dir, "faultline-write-skew-snapshot-isolation-seed3")
	if _, err := os.Stat(base + ".html"); err == nil {
		t.Error("a porcupine page was written for a transactional lesson")
	}
	h, _, err := history.ReadTxnFile(base+".edn", "")
	if err != nil {
		t.Fatal(err)
	}
	l, _ := lessons.Get("write-skew")
	tr, err := l.CheckTxn(t.Context(), h, checker.Options{})
	if err != nil || tr.Verdict != txn.Invalid {
		t.Fatalf("the exported EDN checks %v %v", tr.Verdict, err)
	}
	want, _ := m.lesson.check.txnResult()
	if !strings.Contains(string(mustRead(t, base+".edn")), `[:append "k1" 1]`) || len(tr.Txns) != len(want.Txns) || tr.Explanation != want.Explanation {
		t.Errorf("the export does not check as the run did:\n%s\n%s", tr.Explanation, want.Explanation)
	}
	notice := strings.Join(m.lesson.notice, " ")
	if !strings.Contains(notice, "go run . check "+base+".edn --model list-append --consistency serializable") || !strings.Contains(notice, "No HTML page") {
		t.Errorf("the export's notice: %q", notice)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Goldens of the cycle view at each lesson's narrated seed, at 80×24 and
// 160×45, with the checker's own words: `go test ./tui -run
// GoldenCycle -update` rewrites them.
func TestGoldenCycleViews(t *testing.T) {
	t.Parallel()
	for _, c := range txnStories {
		for _, size := range [][2]int{{80, 24}, {160, 45}} {
			t.Run(fmt.Sprintf("%s/%dx%d", c.id, size[0], size[1]), func(t *testing.T) {
				t.Parallel()
				m := txnBreak(t, c.id, size[0], size[1])
				m = pressSettle(t, m, "w")
				golden.RequireEqual(t, []byte(m.View()))
			})
		}
	}
}

// The break point of lesson 16's narrated seed, in the real program.
func TestGoldenBreakPointOfWriteSkew(t *testing.T) {
	t.Parallel()
	for _, size := range [][2]int{{80, 24}, {160, 45}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			golden.RequireEqual(t, breakScreen(t, Options{Lesson: "write-skew"}, size[0], size[1]))
		})
	}
}

// BenchmarkCycleView draws the cycle view of lesson 16's narrated seed at
// 160×45 (a frame, as the program draws it on every update).
func BenchmarkCycleView(b *testing.B) {
	m := txnBreak(b, "write-skew", 160, 45)
	m = pressSettle(b, m, "w")
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// Lesson 16's message view names a transaction by the process that began
// it, as the cycle view and the history do (the node's own "txn #4" for
// p0's matched nothing on screen), and says "appends 1 to k2".
func TestMessageViewNamesTransactionsByProcess(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, Options{Lesson: "write-skew", Seed: 1, SeedSet: true}, 120, 40)
	m = press(t, m, "esc")
	m = playToEnd(t, m)
	m = pressSettle(t, m, "m", "a")
	e := &m.lesson.explore
	begins := regexp.MustCompile(`^n\d+: (p\d+)'s txn begins`)
	checked := 0
	for i, ev := range e.look.msgs.tr {
		if ev.Kind != sim.TraceLog {
			continue
		}
		s := e.eventWords(i)
		if strings.Contains(s, "txn #") || strings.Contains(s, "appends to") || strings.Contains(s, "writes to") {
			t.Fatalf("event %d: %q", i, s)
		}
		g := begins.FindStringSubmatch(s)
		if g == nil {
			continue
		}
		// The process named has a transaction open at that moment.
		open := false
		h := m.lesson.play.run.s.History()
		for j, o := range h {
			if o.Type != history.Invoke || "p"+o.Process.String() != g[1] || o.Time > ev.Time {
				continue
			}
			for _, c := range h[j+1:] {
				if c.Process == o.Process {
					open = open || c.Time >= ev.Time
					break
				}
			}
		}
		if !open {
			t.Errorf("event %d: %q, but %s had no transaction open then", i, s, g[1])
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no transaction began in the trace: the test checked nothing")
	}
}

// An invocation's row and sentence show a transaction's steps, not its
// raw value (the row showed `▸p0 txn [["`).
func TestMessageViewShowsTransactionsInWords(t *testing.T) {
	t.Parallel()
	m := txnBreak(t, "dirty-reads", 100, 30)
	m = pressSettle(t, m, "m")
	v := plain(m.View())
	if strings.Contains(v, `[["`) || strings.Contains(v, `txn [[`) {
		t.Errorf("the message view shows a raw transaction:\n%s", v)
	}
	e := &m.lesson.explore
	for i, ev := range e.look.msgs.tr {
		if ev.Kind == sim.TraceInvoke {
			if s := e.eventWords(i); strings.Contains(s, "[[") {
				t.Fatalf("event %d: %q", i, s)
			}
		}
	}
}
