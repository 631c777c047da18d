package tui

import (
	"fmt"
	"slices"
	"testing"

	"github.com/faultline-lab/faultline/lessons"
	"github.com/faultline-lab/faultline/sim"
)

// bandKind is the timeline's kind of an active fault's.
func bandKind(k sim.FaultKind) string {
	switch k {
	case sim.FaultClockSkew:
		return "clock"
	case sim.FaultPartition, sim.FaultCrash, sim.FaultPause:
		return string(k)
	}
	return string(k) // net-loss, net-duplicate, net-delay
}

// inForce is what the timeline holds open, and what the simulator says
// is in force, each as sorted "owner kind node" lines.
func inForce(tl *timeline, s *sim.Sim) (bands, active []string) {
	for k := range tl.active {
		bands = append(bands, fmt.Sprintf("%d %s %s", k.owner, k.kind, k.node))
	}
	for _, a := range s.Active() {
		nodes := a.Nodes
		if len(nodes) == 0 {
			nodes = []string{""}
		}
		for _, n := range nodes {
			active = append(active, fmt.Sprintf("%d %s %s", a.Owner, bandKind(a.Kind), n))
		}
	}
	slices.Sort(bands)
	slices.Sort(active)
	return bands, active
}

// The timeline's fault bands are the simulator's faults in force, owner by
// owner, after every fault of a run where they overlap (every nemesis,
// mixed to overlap, and the lesson's own schedule's heal and resume among
// them), with the learner's faults and undos thrown in: a schedule's heal
// ends only the schedule's partition, the learner's lifts everyone's.
func TestFaultBandsAreTheFaultsInForceOwnerByOwner(t *testing.T) {
	t.Parallel()
	learner := []sim.Fault{
		{Kind: sim.FaultPartition, Shape: sim.ShapeHalves},
		{Kind: sim.FaultPause, Target: sim.TargetRandom},
		{Kind: sim.FaultClockSkew, Target: sim.TargetRandom, DeltaNs: 2e9},
		{Kind: sim.FaultLoss, Probability: 0.2},
		{Kind: sim.FaultResume, Target: sim.TargetAll},
		{Kind: sim.FaultHeal},
		{Kind: sim.FaultCrash, Target: sim.TargetRandom},
		{Kind: sim.FaultRestart, Target: sim.TargetAll},
		{Kind: sim.FaultClockReset},
		{Kind: sim.FaultNetReset},
	}
	for _, id := range []string{"stale-replica-reads", "lease-locks", "raft-capstone"} {
		for _, own := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/mix=%v", id, own), func(t *testing.T) {
				t.Parallel()
				l, err := lessons.Get(id)
				if err != nil {
					t.Fatal(err)
				}
				o := lessons.Options{Seed: 3}
				if own {
					o.Nemesis, o.Mix = sim.AllNemeses(), lessons.MixOverlap
				}
				sc, err := l.Scenario(o)
				if err != nil {
					t.Fatal(err)
				}
				s, _, err := lessons.Start(sc)
				if err != nil {
					t.Fatal(err)
				}
				tl := newTimeline()
				tl.names = s.OwnerName
				owners := map[sim.Owner]bool{}
				next, checked := 0, 0
				for step := 0; !s.Done(); step++ {
					s.Step()
					if step%500 == 250 && next < len(learner) {
						if _, err := s.Inject(learner[next]); err != nil {
							t.Fatalf("injecting %v: %v", learner[next].Kind, err)
						}
						next++
					}
					if len(s.Applied()) == tl.appliedSeen {
						continue
					}
					tl.absorb(s.History(), s.Applied(), s.Now())
					checked++
					for _, a := range s.Applied() {
						owners[a.Owner] = true
					}
					if bands, active := inForce(tl, s); !slices.Equal(bands, active) {
						t.Fatalf("at %s, after %q: the timeline holds\n%q\nthe simulator\n%q", fmtSeconds(s.Now()), s.Applied()[len(s.Applied())-1].Desc, bands, active)
					}
				}
				if checked < 5 || !owners[sim.OwnerLearner] || (!owners[sim.OwnerSchedule] && !own) || (!owners[sim.OwnerMix] && own) {
					t.Errorf("the run tried too little: %d fault moments, owners %v", checked, owners)
				}
				for _, b := range tl.bands {
					if b.by == "" || b.by != s.OwnerName(b.owner) {
						t.Errorf("band %q says it was started by %q, not %q", b.label, b.by, s.OwnerName(b.owner))
					}
				}
			})
		}
	}
}

// A live run's runner records no owners: the learner's faults are the
// live ones, the nemesis schedule's the others, and the timeline says so.
func TestALiveRunsFaultsHaveTheirOwners(t *testing.T) {
	t.Parallel()
	applied := owned([]sim.AppliedFault{
		{Time: 1, Fault: sim.Fault{Kind: sim.FaultPartition}, Desc: "partition {n1} | {n2}"},
		{Time: 2, Fault: sim.Fault{Kind: sim.FaultPause, Nodes: []string{"n2"}, Live: true}, Desc: "paused n2"},
	})
	tl := newTimeline()
	tl.absorb(nil, applied, 3)
	var got []string
	for _, b := range tl.bands {
		got = append(got, bandLabel(b))
	}
	if want := []string{"partition {n1} | {n2} · schedule …", "n2 paused · learner …"}; !slices.Equal(got, want) {
		t.Errorf("bands %q, want %q", got, want)
	}
}
