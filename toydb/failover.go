package toydb

import (
	"fmt"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// AsyncFailover is lesson 3's database: a primary with backups holding a
// set. The primary acknowledges an add as soon as it has applied it and
// ships its copy to the backups on its next heartbeat. When the backups stop
// hearing from it they elect the most up-to-date backup by majority vote,
// and a primary that learns of a newer term takes the new primary's copy —
// throwing away whatever it acknowledged that never left it. The fix
// acknowledges an add only once a majority holds it.
var AsyncFailover = Design{
	Name: "primary-backup-failover",
	Variants: []Variant{
		{Name: "async", Summary: "the primary acknowledges adds at once and replicates them on its next heartbeat; backups fail over when it goes quiet"},
		{Name: "fixed", Summary: "an add is acknowledged only once a pbMajority holds it; reads too wait for a pbMajority; a primary that hears no pbMajority steps down"},
	},
	New: func(variant string) sim.NodeFactory {
		fixed := variant == "fixed"
		return newPB(pbOptions{
			leaderRole:    "primary",
			electMajority: true,
			ackMajority:   fixed,
			checkQuorum:   fixed,
			newMachine:    func() pbMachine { return &pbSet{} },
		})
	},
}

// pbSet is a grow-only set, in the order elements were added. Elements
// are never changed in place, so snapshots can share the backing array.
type pbSet struct{ elems []any }

func (s *pbSet) apply(r sim.Request) (any, string) {
	switch r.F {
	case "add":
		if !slices.Contains(s.elems, r.Value) {
			s.elems = append(s.elems, r.Value)
		}
		return r.Value, ""
	case "read":
		return sortedElems(s.elems), ""
	}
	return nil, "unsupported"
}

func (s *pbSet) snapshot() any { return s.elems[:len(s.elems):len(s.elems)] }

func (s *pbSet) restore(snap any) {
	s.elems, _ = snap.([]any)
}

func (s *pbSet) describe() string { return describeElems(s.elems) }

// sortedElems orders a set's elements for a read: integers numerically,
// anything else by its printed form.
func sortedElems(xs []any) []any {
	out := slices.Clone(xs)
	if out == nil {
		out = []any{}
	}
	slices.SortFunc(out, func(a, b any) int {
		ai, aok := a.(int64)
		bi, bok := b.(int64)
		if aok && bok {
			return int(min(max(ai-bi, -1), 1))
		}
		return strings.Compare(history.Format(a), history.Format(b))
	})
	return out
}

// describeElems is a set for the cluster view: its size and newest elements.
func describeElems(xs []any) string {
	if len(xs) <= 4 {
		return history.Format(sortedElems(xs))
	}
	tail := make([]string, 0, 3)
	for _, x := range xs[len(xs)-3:] {
		tail = append(tail, history.Format(x))
	}
	return fmt.Sprintf("%d elements, newest %s", len(xs), strings.Join(tail, " "))
}
