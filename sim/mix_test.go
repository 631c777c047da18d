package sim

import (
	"encoding/json"
	"fmt"
	"testing"
)

// Every kind of the mix fires, each occurrence's undo undoes that
// occurrence, faults of different kinds overlap, and no more than a
// minority is ever down.
func TestMixFiresEveryKindOverlappingAndUndoesEachOccurrence(t *testing.T) {
	t.Parallel()
	for _, nodes := range []int{3, 5} {
		s := mixSim(t, 3, nodes, 300, newReg, AllNemeses(), 0)
		most, overlap := 0, 0
		for s.Step() {
			most = max(most, s.crashedCount())
			owners := map[Owner]bool{}
			for _, a := range s.Active() {
				owners[a.Owner] = true
			}
			overlap = max(overlap, len(owners))
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		occ := occurrences(s)
		for i, k := range AllNemeses() {
			o := OwnerMix + Owner(i)
			if len(occ[o]) == 0 {
				t.Errorf("%d nodes: %s never fired", nodes, k)
				continue
			}
			for _, x := range occ[o] {
				if x.on.Fault.Kind != NemesisKinds[k][0].Kind || (x.ended && x.off.Fault.Kind != NemesisKinds[k][1].Kind) {
					t.Errorf("%s: occurrence %v then %v", k, x.on.Desc, x.off.Desc)
				}
				switch x.on.Fault.Kind {
				case FaultCrash, FaultPause:
					// (A node crashed while paused is no longer paused: its resume finds nothing.)
					if x.ended && len(x.off.Fault.Nodes) > 0 && fmt.Sprint(x.on.Fault.Nodes) != fmt.Sprint(x.off.Fault.Nodes) {
						t.Errorf("%s: %q undone by %q: an undo must undo its own occurrence", k, x.on.Desc, x.off.Desc)
					}
				}
			}
		}
		if limit := max(1, (nodes-1)/2); most > limit {
			t.Errorf("%d nodes: %d down at once, more than a minority (%d)", nodes, most, limit)
		}
		if overlap < 3 {
			t.Errorf("%d nodes: at most %d owners' faults at once: the mix does not overlap", nodes, overlap)
		}
	}
}

// Each kind is in force about the density's fraction of the time.
func TestMixDensity(t *testing.T) {
	t.Parallel()
	for _, d := range []float64{0.2, 0.5, 0.8} {
		s := mixSim(t, 4, 3, 2000, newReg, []Nemesis{NemesisPartition, NemesisLoss}, d)
		if err := s.Run(); err != nil {
			t.Fatal(err)
		}
		// The main phase ends FinalDelayNs before the final read.
		var end int64
		for _, o := range s.History() {
			if o.Type == "invoke" {
				end = o.Time - s.Config().FinalDelayNs
			}
		}
		for o, occ := range occurrences(s) {
			var on int64
			for _, x := range occ {
				stop := end
				if x.ended {
					stop = x.off.Time
				}
				on += stop - x.on.Time
			}
			if got := float64(on) / float64(end); got < d-0.1 || got > d+0.1 {
				t.Errorf("density %v: %s in force %.2f of the time", d, s.OwnerName(o), got)
			}
		}
	}
}

// The mix's timings and targets come from the seed alone: a design that
// behaves differently meets the same faults at the same moments.
func TestMixIsTheSameAgainstAnotherDesign(t *testing.T) {
	t.Parallel()
	kinds := []Nemesis{NemesisPartition, NemesisCrash, NemesisPause, NemesisClock, NemesisDelay}
	a := mixSim(t, 5, 5, 150, newReg, kinds, 0)
	b := mixSim(t, 5, 5, 150, func(string) Node { return &regNode{sync: true} }, kinds, 0)
	a.Run()
	b.Run()
	brief := func(s *Sim) []string {
		var out []string
		for _, f := range s.Applied() {
			if f.Owner >= OwnerMix {
				out = append(out, fmt.Sprint(f.Time, f.Owner, f.Desc))
			}
		}
		return out
	}
	x, y := brief(a), brief(b)
	n := min(len(x), len(y))
	if n < 10 {
		t.Fatalf("only %d mix faults", n)
	}
	for i := range n {
		if x[i] != y[i] {
			t.Fatalf("fault %d differs: %s / %s", i, x[i], y[i])
		}
	}
	if render(a) == render(b) {
		t.Fatal("the two designs ran identically: the test shows nothing")
	}
}

// A scenario with a mix replays byte for byte, and a different seed gives
// different faults.
func TestMixReplaysFromAScenario(t *testing.T) {
	t.Parallel()
	s := mixSim(t, 6, 3, 200, newReg, AllNemeses(), 0.3)
	s.RunUntil(700_000_000)
	s.Inject(Fault{Kind: FaultPause, Nodes: []string{"n1"}})
	s.Run()
	b, err := json.Marshal(Scenario{Seed: 6, Config: s.Config(), Faults: s.Schedule()})
	if err != nil {
		t.Fatal(err)
	}
	var sc Scenario
	if err := json.Unmarshal(b, &sc); err != nil {
		t.Fatal(err)
	}
	sc.Config.Trace = true
	r, err := New(sc.Seed, sc.Config, sc.Faults, newReg, regGen{final: true})
	if err != nil {
		t.Fatal(err)
	}
	r.Run()
	if render(r) != render(s) {
		t.Fatal("the scenario's replay differs")
	}
	other := mixSim(t, 7, 3, 200, newReg, AllNemeses(), 0.3)
	other.Run()
	if fmt.Sprint(occurrences(other)) == fmt.Sprint(occurrences(s)) {
		t.Fatal("seeds 6 and 7 gave the same faults")
	}
}

func TestMixValidation(t *testing.T) {
	t.Parallel()
	for name, m := range map[string]Mix{
		"no kinds":      {Density: 0.5},
		"unknown kind":  {Kinds: []Nemesis{"meteor"}, Density: 0.5},
		"twice":         {Kinds: []Nemesis{NemesisCrash, NemesisCrash}, Density: 0.5},
		"density 0":     {Kinds: []Nemesis{NemesisCrash}},
		"density 2":     {Kinds: []Nemesis{NemesisCrash}, Density: 2},
		"mean negative": {Kinds: []Nemesis{NemesisCrash}, Density: 0.5, MeanOnNs: -1},
		"max crashed":   {Kinds: []Nemesis{NemesisCrash}, Density: 0.5, MaxCrashed: 9},
	} {
		if err := (Schedule{Mix: &m}).Validate(NodeNames(3)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
