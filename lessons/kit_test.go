package lessons

import (
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

// The lesson kit: what every lesson of the catalogue must do, checked for
// each one, so a new lesson gets these tests by being registered.

func TestKitCatalogueRegistersCleanly(t *testing.T) {
	t.Parallel()
	for _, err := range Problems() {
		t.Error(err)
	}
	if len(All()) < 13 {
		t.Errorf("only %d lessons registered", len(All()))
	}
}

// A lesson registered wrong is reported, left out of the catalogue, and
// named when asked for; nothing panics.
func TestKitRegistrationMistakesAreReported(t *testing.T) {
	t.Parallel()
	good := func() *Lesson {
		l, err := Get("first-history")
		if err != nil {
			t.Fatal(err)
		}
		c := *l
		c.Title, c.Summary, c.Text = "", "", Text{}
		return &c
	}
	r := newRegistry()
	r.add(good())
	cases := map[string]func(*Lesson){
		"duplicate id":     func(*Lesson) {},
		"no text":          func(l *Lesson) { l.ID, l.Number = "no-such-lesson", 99 },
		"duplicate number": func(l *Lesson) { l.ID = "stale-replica-reads" },
		"unknown model":    func(l *Lesson) { l.ID, l.Number, l.Model = "stale-replica-reads", 2, "graph" },
		"no design":        func(l *Lesson) { l.ID, l.Number, l.Design = "async-failover", 3, toydb.Design{Name: "empty"} },
		"unknown correct":  func(l *Lesson) { l.ID, l.Number, l.Correct = "split-brain", 4, []string{"nope"} },
		"bad faults": func(l *Lesson) {
			l.ID, l.Number = "lww-clocks", 5
			l.Faults = sim.Schedule{Faults: []sim.Fault{{Kind: sim.FaultCrash, Nodes: []string{"n7"}}}}
		},
		"no workload": func(l *Lesson) { l.ID, l.Number, l.Workload = "sloppy-quorums", 6, nil },
		"bad id":      func(l *Lesson) { l.ID, l.Number = "Bad Id", 7 },
	}
	for name, edit := range cases {
		l := good()
		edit(l)
		before := len(r.problems)
		r.add(l)
		if len(r.problems) != before+1 {
			t.Errorf("%s: not reported", name)
		}
	}
	if n := len(r.all()); n != 1 {
		t.Errorf("%d lessons in the catalogue, want the one good one", n)
	}
	if _, err := r.get("lww-clocks"); err == nil || !strings.Contains(err.Error(), "n7") {
		t.Errorf("asking for a lesson left out: %v", err)
	}
}

func TestKitEveryBuggyVariantIsCaught(t *testing.T) {
	t.Parallel()
	for _, l := range All() {
		for _, v := range l.Buggy() {
			t.Run(l.ID+"/"+v, func(t *testing.T) {
				t.Parallel()
				t.Logf("first failing seed %d", firstFailing(t, l.ID, v))
			})
		}
	}
}

func TestKitEveryCorrectVariantPasses(t *testing.T) {
	t.Parallel()
	for _, l := range All() {
		for _, v := range l.Variants() {
			if l.IsCorrect(v.Name) {
				t.Run(l.ID+"/"+v.Name, func(t *testing.T) {
					t.Parallel()
					assertPasses(t, l.ID, v.Name)
				})
			}
		}
	}
}

func TestKitEveryLessonTellsItsStory(t *testing.T) {
	t.Parallel()
	for _, l := range All() {
		if stories[l.ID] == nil {
			t.Errorf("%s: no narrated-story test registered (tellsStory in its test file)", l.ID)
		}
	}
	for id := range stories {
		if _, err := Get(id); err != nil {
			t.Errorf("a story is registered for %q: %v", id, err)
		}
	}
}

// Every role a design reports is one the simulator knows, so faults aimed
// at a role find it.
func TestKitEveryRoleIsKnown(t *testing.T) {
	t.Parallel()
	for _, l := range All() {
		for _, v := range l.Variants() {
			sc, err := l.Scenario(Options{Variant: v.Name, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			s, _, err := Start(sc)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[sim.Role]bool{}
			for i := 0; s.Step(); i++ {
				if i%64 != 0 {
					continue
				}
				for _, n := range s.Cluster() {
					seen[n.Status.Role] = true
				}
			}
			if err := s.Err(); err != nil {
				t.Errorf("%s/%s: %v", l.ID, v.Name, err)
			}
			for r := range seen {
				if !r.Known() {
					t.Errorf("%s/%s reports role %q, which is not one of sim.Roles", l.ID, v.Name, r)
				}
			}
		}
	}
}

// Every nemesis fires in a default-length run of every lesson under
// --nemesis all, at 3 and 5 nodes.
func TestKitEveryNemesisFiresInADefaultRun(t *testing.T) {
	t.Parallel()
	kinds := sim.AllNemeses()
	for _, l := range All() {
		for _, nodes := range []int{3, 5} {
			for seed := uint64(1); seed <= 3; seed++ {
				sc, err := l.Scenario(Options{Seed: seed, Nodes: nodes, Nemesis: kinds})
				if err != nil {
					t.Fatal(err)
				}
				s, _, err := Run(sc)
				if err != nil {
					t.Fatalf("%s at %d nodes, seed %d: %v", l.ID, nodes, seed, err)
				}
				fired := map[sim.Owner]bool{}
				for _, a := range s.Applied() {
					fired[a.Owner] = true
				}
				for i, k := range kinds {
					if !fired[sim.OwnerMix+sim.Owner(i)] {
						t.Errorf("%s at %d nodes, seed %d: %s never fired in %s", l.ID, nodes, seed, k, sim.FormatDuration(s.Now()))
					}
				}
			}
		}
	}
}

// The catalogue is made once, from what init registered: every lesson
// registered is in it or reported, none left out unseen (a register after
// the catalogue was made would be).
func TestKitEveryRegisteredLessonIsListedOrReported(t *testing.T) {
	t.Parallel()
	if got, want := len(All())+len(Problems()), len(registered); got != want {
		t.Errorf("%d lessons listed and %d reported, but %d registered", len(All()), len(Problems()), want)
	}
}
