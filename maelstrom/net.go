package maelstrom

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/faultline-lab/faultline/sim"
)

// The partition shapes, as sim names them.
const (
	shapeOne     = string(sim.ShapeOne)
	shapeLeader  = string(sim.ShapeLeader)
	shapePrimary = string(sim.ShapePrimary)
	shapeHalves  = string(sim.ShapeHalves)
	shapeRing    = string(sim.ShapeRing)
	shapeBridge  = string(sim.ShapeBridge)
	shapeGroups  = string(sim.ShapeGroups)
)

// network is the state of the links between the learner's nodes: which
// are cut, and the loss, duplication and delay applied to node-to-node
// messages. Clients and services are never cut (as in Maelstrom, whose
// partitions are between nodes): a partition tests the nodes, not the
// test harness.
type network struct {
	mu      sync.RWMutex
	ids     []string
	blocked []bool // blocked[src*n+dest]
	groups  [][]string
	shape   string
	lossP   float64
	dupP    float64
	delay   time.Duration
	rng     *rand.Rand // per-message choices; guarded by rngMu
	rngMu   sync.Mutex
}

func newNetwork(ids []string, rng *rand.Rand) *network {
	return &network{ids: ids, blocked: make([]bool, len(ids)*len(ids)), rng: rng}
}

// verdict is what the network does with one node-to-node message.
type verdict struct {
	drop   string // why it is dropped; "" when it goes
	copies int    // 1, or 2 when duplicated
	delay  time.Duration
}

func (nw *network) decide(src, dest int) verdict {
	nw.mu.RLock()
	cut := nw.blocked[src*len(nw.ids)+dest]
	lossP, dupP, delay := nw.lossP, nw.dupP, nw.delay
	nw.mu.RUnlock()
	if cut {
		return verdict{drop: "partitioned"}
	}
	v := verdict{copies: 1}
	if lossP == 0 && dupP == 0 && delay == 0 {
		return v
	}
	nw.rngMu.Lock()
	defer nw.rngMu.Unlock()
	if lossP > 0 && nw.rng.Float64() < lossP {
		return verdict{drop: "lost"}
	}
	if dupP > 0 && nw.rng.Float64() < dupP {
		v.copies = 2
	}
	if delay > 0 {
		v.delay = time.Duration(nw.rng.Int64N(int64(delay) + 1))
	}
	return v
}

func (nw *network) heal() {
	nw.mu.Lock()
	clear(nw.blocked)
	nw.groups, nw.shape = nil, ""
	nw.mu.Unlock()
}

// update changes the network's loss, duplication or delay.
func (nw *network) update(change func(*network)) {
	nw.mu.Lock()
	change(nw)
	nw.mu.Unlock()
}

func (nw *network) faulty() bool {
	nw.mu.RLock()
	defer nw.mu.RUnlock()
	return nw.lossP > 0 || nw.dupP > 0 || nw.delay > 0 || slices.Contains(nw.blocked, true)
}

// group is the partition group a node is in, -1 when there is none (or
// the partition is a ring or a bridge, which have no groups to draw).
func (nw *network) group(id string) int {
	nw.mu.RLock()
	defer nw.mu.RUnlock()
	if nw.shape == shapeBridge {
		return -1
	}
	for g, members := range nw.groups {
		if slices.Contains(members, id) {
			return g
		}
	}
	return -1
}

// partition cuts links in a shape; one is the node a one-node shape
// isolates. It returns the groups and a description.
func (nw *network) partition(shape string, groups [][]string, one int, rng *rand.Rand) ([][]string, string) {
	n := len(nw.ids)
	groupOf := make([]int, n)
	order := rng.Perm(n)
	nw.mu.Lock()
	defer nw.mu.Unlock()
	switch shape {
	case shapeOne, shapeLeader, shapePrimary:
		for i := range groupOf {
			groupOf[i] = 1
		}
		groupOf[one] = 0
		nw.cutGroups(groupOf)
		groups = nw.groupsOf(groupOf, 2)
	case shapeGroups:
		for i := range groupOf {
			groupOf[i] = -1
		}
		for g, members := range groups {
			for _, id := range members {
				if i := slices.Index(nw.ids, id); i >= 0 {
					groupOf[i] = g
				}
			}
		}
		nw.cutGroups(groupOf)
	case shapeRing:
		nw.ring(order)
		groups = nil
	case shapeBridge:
		bridge := order[0]
		for k, i := range order[1:] {
			groupOf[i] = k % 2
		}
		groupOf[bridge] = 2
		nw.cutGroups(groupOf)
		for i := 0; i < n; i++ { // the bridge hears, and is heard by, everyone
			nw.blocked[bridge*n+i], nw.blocked[i*n+bridge] = false, false
		}
		groups = nw.groupsOf(groupOf, 3)
	default: // halves: the majority side one bigger
		for k, i := range order {
			groupOf[i] = 0
			if k >= n/2 {
				groupOf[i] = 1
			}
		}
		nw.cutGroups(groupOf)
		groups = nw.groupsOf(groupOf, 2)
		shape = shapeHalves
	}
	nw.shape, nw.groups = shape, groups
	return groups, describeCut(shape, groups)
}

// cutGroups blocks every link between different groups; a node in no
// group (-1) is cut from everyone.
func (nw *network) cutGroups(groupOf []int) {
	n := len(nw.ids)
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			nw.blocked[a*n+b] = a != b && (groupOf[a] < 0 || groupOf[a] != groupOf[b])
		}
	}
}

// ring cuts links so that each node hears a majority (itself included),
// but no two nodes hear the same one: Jepsen's majorities ring. With an
// odd window each node hears its neighbours on both sides; otherwise the
// nodes that follow it on the ring.
func (nw *network) ring(order []int) {
	n := len(nw.ids)
	pos := make([]int, n)
	for k, i := range order {
		pos[i] = k
	}
	others := n / 2 // a majority, less the node itself
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			d := (pos[b] - pos[a] + n) % n // b is d steps after a
			hears := d == 0
			if others%2 == 0 {
				hears = hears || d <= others/2 || n-d <= others/2
			} else {
				hears = hears || d <= others
			}
			nw.blocked[b*n+a] = !hears // a does not hear b
		}
	}
}

func (nw *network) groupsOf(groupOf []int, k int) [][]string {
	out := make([][]string, k)
	for i, g := range groupOf {
		if g >= 0 && g < k {
			out[g] = append(out[g], nw.ids[i])
		}
	}
	return out
}

func describeCut(shape string, groups [][]string) string {
	parts := make([]string, len(groups))
	for i, g := range groups {
		parts[i] = "{" + strings.Join(g, " ") + "}"
	}
	switch shape {
	case shapeRing:
		return "partition ring: each node hears a different majority"
	case shapeBridge:
		return fmt.Sprintf("partition bridge: %s | %s, %s hears both", parts[0], parts[1], strings.Join(groups[2], ""))
	}
	return "partition " + strings.Join(parts, " | ")
}
