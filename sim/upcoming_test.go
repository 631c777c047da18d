package sim

import (
	"fmt"
	"strings"
	"testing"
)

func TestUpcomingAnnouncesTheScheduleAndTheMix(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	cfg.Ops = 2000 // longer than 10 s
	const s1 = 1_000_000_000
	sched := Schedule{Faults: []Fault{
		{At: 2 * s1, Kind: FaultPartition, Shape: ShapeOne},
		{At: 5 * s1, Kind: FaultHeal},
		{At: 6 * s1, Kind: FaultPause, Target: TargetLeader},
		{At: 7 * s1, Kind: FaultResume, Target: TargetAll},
	}, CycleNs: 8 * s1}
	s := newTestSim(t, 1, cfg, sched)
	got := fmt.Sprint(s.Upcoming(3))
	want := "[at 2s: partition (one node) for 3s at 6s: pause of the leader for 1s at 10s: partition (one node) for 3s]"
	if got != want {
		t.Errorf("upcoming at 0:\n got %s\nwant %s", got, want)
	}
	s.RunUntil(3 * s1)
	if u := s.Upcoming(1); len(u) != 1 || u[0].At != 6*s1 {
		t.Errorf("upcoming at 3 s: %v", u)
	}
	// What Upcoming announced is what happened.
	s.RunUntil(10*s1 + 1)
	var starts []int64
	for _, a := range s.Applied() {
		if a.Fault.Kind == FaultPartition || a.Fault.Kind == FaultPause {
			starts = append(starts, a.Time)
		}
	}
	if fmt.Sprint(starts) != fmt.Sprint([]int64{2 * s1, 6 * s1, 10 * s1}) {
		t.Errorf("faults started at %v", starts)
	}

	mixed, err := MixSchedule([]Nemesis{NemesisCrash, NemesisDelay}, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	m := newTestSim(t, 2, cfg, mixed)
	u := m.Upcoming(5)
	if len(u) != 2 || u[0].Owner < OwnerMix || u[0].ForNs < DefaultMeanOnNs/2 {
		t.Fatalf("mix upcoming: %v", u)
	}
	first := u[0]
	m.RunUntil(first.At)
	a := m.Applied()
	if len(a) == 0 || a[0].Time != first.At || a[0].Owner != first.Owner || !strings.HasPrefix(first.String(), "at ") {
		t.Fatalf("announced %v, applied %v", first, a)
	}
	m.RunUntil(first.At + first.ForNs)
	if last := m.Applied()[len(m.Applied())-1]; last.Owner != first.Owner || last.Time != first.At+first.ForNs {
		t.Errorf("announced %v lasting %s; its undo came %+v", first, FormatDuration(first.ForNs), last)
	}
}
