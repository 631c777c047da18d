package maelstrom

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestTopologiesAreMaelstroms(t *testing.T) {
	ids := NodeIDs(5)
	// Maelstrom's grid for five nodes: a 3-wide grid, row by row.
	grid := map[string][]string{"n1": {"n4", "n2"}, "n2": {"n5", "n3", "n1"}, "n3": {"n2"}, "n4": {"n1", "n5"}, "n5": {"n2", "n4"}}
	if got := Topology("grid", ids); !reflect.DeepEqual(got, grid) {
		t.Errorf("grid: %v, want %v", got, grid)
	}
	line := map[string][]string{"n1": {"n2"}, "n2": {"n1", "n3"}, "n3": {"n2", "n4"}, "n4": {"n3", "n5"}, "n5": {"n4"}}
	if got := Topology("line", ids); !reflect.DeepEqual(got, line) {
		t.Errorf("line: %v", got)
	}
	tree := map[string][]string{"n1": {"n2", "n3"}, "n2": {"n1", "n4", "n5"}, "n3": {"n1"}, "n4": {"n2"}, "n5": {"n2"}}
	if got := Topology("tree2", ids); !reflect.DeepEqual(got, tree) {
		t.Errorf("tree2: %v", got)
	}
	for _, name := range Topologies {
		for n := 1; n <= 10; n++ {
			topo := Topology(name, NodeIDs(n))
			for a, nbs := range topo {
				for _, b := range nbs {
					if a == b || !slices.Contains(topo[b], a) {
						t.Errorf("%s on %d nodes: %s → %s is not symmetric", name, n, a, b)
					}
				}
			}
			if len(topo) != n {
				t.Errorf("%s on %d nodes names %d", name, n, len(topo))
			}
		}
	}
}

func TestPartitionShapes(t *testing.T) {
	for n := 3; n <= 7; n++ {
		ids := NodeIDs(n)
		rng := rand.New(rand.NewPCG(uint64(n), 1))
		nw := newNetwork(ids, rng)

		groups, _ := nw.partition(shapeHalves, nil, 0, rng)
		if len(groups[0]) != n/2 || len(groups[1]) != n-n/2 {
			t.Errorf("halves of %d: %v", n, groups)
		}
		groups, _ = nw.partition(shapeOne, nil, 2, rng)
		if !reflect.DeepEqual(groups[0], []string{"n3"}) || hears(nw, 2, 0) || hears(nw, 0, 2) || !hears(nw, 0, 1) {
			t.Errorf("one of %d: %v", n, groups)
		}
		nw.partition(shapeRing, nil, 0, rng)
		seen := map[string]bool{}
		for a := 0; a < n; a++ {
			var heard []int
			for b := 0; b < n; b++ {
				if hears(nw, a, b) {
					heard = append(heard, b)
				}
			}
			if len(heard) < n/2+1 {
				t.Errorf("ring of %d: node %d hears %v, not a majority", n, a, heard)
			}
			key := fmt.Sprint(heard)
			if seen[key] {
				t.Errorf("ring of %d: two nodes hear the same majority %v", n, heard)
			}
			seen[key] = true
		}
		groups, desc := nw.partition(shapeBridge, nil, 0, rng)
		bridge := slices.Index(ids, groups[2][0])
		for a := 0; a < n; a++ {
			if !hears(nw, a, bridge) || !hears(nw, bridge, a) {
				t.Errorf("bridge of %d (%s): %d and the bridge are cut", n, desc, a)
			}
		}
		if a, b := slices.Index(ids, groups[0][0]), slices.Index(ids, groups[1][0]); hears(nw, a, b) {
			t.Errorf("bridge of %d: the halves hear each other", n)
		}
		nw.heal()
		if nw.faulty() {
			t.Errorf("healed network of %d still faulty", n)
		}
	}
}

func TestNetworkFaults(t *testing.T) {
	nw := newNetwork(NodeIDs(2), rand.New(rand.NewPCG(1, 1)))
	if v := nw.decide(0, 1); v.drop != "" || v.copies != 1 || v.delay != 0 {
		t.Fatalf("a healthy network did %+v", v)
	}
	nw.update(func(nw *network) { nw.lossP, nw.dupP, nw.delay = 0.5, 0.5, 1000 })
	lost, dup, delayed := 0, 0, 0
	for range 1000 {
		v := nw.decide(0, 1)
		switch {
		case v.drop == "lost":
			lost++
		case v.copies == 2:
			dup++
		}
		if v.delay > 0 {
			delayed++
		}
	}
	if lost < 400 || lost > 600 || dup < 150 || dup > 350 || delayed < 400 {
		t.Fatalf("of 1000 messages %d lost, %d duplicated, %d delayed", lost, dup, delayed)
	}
}
