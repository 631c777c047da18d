package tui

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/lessons"
)

// The hint under a verdict names the variant v actually goes to: lesson
// 13's said "v picks a variant with a bug" and v went to the correct
// fixed one.
func TestVerdictHintNamesWhereVGoes(t *testing.T) {
	t.Parallel()
	m := openLesson2(t, 100, 30)
	says := regexp.MustCompile(`v (twice |(\d+) times )?goes to (\S+) \((a fix|it has a bug)\)`)
	checked := 0
	for _, l := range lessons.All() {
		vs := l.Variants()
		if len(l.Buggy()) == 0 || len(l.Buggy()) == len(vs) {
			continue
		}
		for i, v := range vs {
			verdict := checker.Linearizable
			if !l.IsCorrect(v.Name) {
				verdict = checker.NotLinearizable
			}
			p := verdictPanel{c: m.lesson.c, l: l, runDone: true, faults: "the same faults",
				check: &checkState{result: &checker.Result{Verdict: verdict}, variant: v.Name, full: true}}
			hint := p.nextStep()
			g := says.FindStringSubmatch(hint)
			if g == nil {
				if !l.IsCorrect(v.Name) && verdict == checker.Linearizable {
					continue // a buggy run that held: n tries another seed
				}
				t.Errorf("%s %s: hint %q names no variant v goes to", l.ID, v.Name, hint)
				continue
			}
			n := 1
			if g[1] == "twice " {
				n = 2
			} else if g[2] != "" {
				n, _ = strconv.Atoi(g[2])
			}
			to := vs[(i+n)%len(vs)].Name
			if to != g[3] || l.IsCorrect(to) != (g[4] == "a fix") {
				t.Errorf("%s %s: hint %q, but v×%d goes to %s (correct %v)", l.ID, v.Name, hint, n, to, l.IsCorrect(to))
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no hint checked")
	}
}
