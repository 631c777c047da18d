package checker

import (
	"math/rand/v2"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// TestSegmentsAgreeWithOneSearch cuts random register histories, with
// many info completions, into stretches of a few operations and checks
// that the verdict is the single search's (itself held to the brute force
// by the differential test).
func TestSegmentsAgreeWithOneSearch(t *testing.T) {
	// Not parallel: it changes the package's cut sizes for a while, and
	// puts them back however it ends.
	wholeMin, wholeFrom := segmentMin, segmentFrom
	t.Cleanup(func() { segmentMin, segmentFrom = wholeMin, wholeFrom })
	n := sweep(100, 300, 1500)
	for _, sp := range []spec{
		regSpec("register", nil, false),
		regSpec("cas-register", int64(0), true),
		lossy("register", regSpecN("register", nil, false, 6)),
		lossy("cas-register", regSpecN("cas-register", int64(0), true, 6)),
		lossy("kv", kvSpecN(6)),
	} {
		name := sp.name
		if name == "" {
			name = string(sp.model)
		}
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, uint64(len(sp.model))))
			counts := map[Verdict]int{}
			cut := 0
			for i := range n {
				h := randomHistory(r, sp, 20+r.IntN(40), 1+r.IntN(3))
				opts := Options{Model: sp.model, Init: sp.init, VerdictOnly: true}
				whole := mustCheck(t, h, opts)
				segmentMin, segmentFrom = 3, 0
				parts := mustCheck(t, h, opts)
				m, _ := lookupModel(sp.model)
				init, _ := history.Normalize(sp.init)
				p, _ := prepare(h, m, init)
				for _, part := range p.partitions {
					if segments(m.prune(operations(part, len(h)), init)) != nil {
						cut++
					}
				}
				segmentMin, segmentFrom = wholeMin, wholeFrom
				if whole.Verdict != parts.Verdict {
					t.Fatalf("history %d: one search says %s, stretches %s\n%s", i, whole.Verdict, parts.Verdict, dump(h))
				}
				counts[whole.Verdict]++
			}
			if cut < n/5 || counts[Linearizable] < n/25 || counts[NotLinearizable] < n/25 {
				t.Errorf("hardly tested: %d of %d histories cut; %v", cut, n, counts)
			}
			t.Logf("%d of %d histories cut; %v", cut, n, counts)
		})
	}
}
