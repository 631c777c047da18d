package toydb

import (
	"fmt"
	"strconv"

	"github.com/faultline-lab/faultline/sim"
)

// ident names a request a node sends on its own account (a relay, a
// coordinator's query, a worker's step) so that its answer cannot be
// mistaken for another's: the node's incarnation, which survives
// restarts, and a sequence within it. A late answer to a request sent
// before a crash names an incarnation that is over.
type ident struct{ Inc, Seq int64 }

func (i ident) String() string { return fmt.Sprintf("%d.%d", i.Inc, i.Seq) }

// idents hands out a node's idents.
type idents struct{ last ident }

// newIdents starts a new incarnation, synced before the node can send
// anything under it.
func newIdents(env *sim.Env) idents {
	var inc int64
	sim.Load(env.Disk(), "incarnation", &inc)
	inc++
	env.Disk().Put("incarnation", inc)
	env.Disk().Sync()
	return idents{last: ident{Inc: inc}}
}

func (g *idents) next() ident {
	g.last.Seq++
	return g.last
}

// done is a durable record of client requests a node has carried out and
// what each returned, so a copy of one — a retry, or the network's
// duplicate — is answered from it and not run again.
type done struct{ env *sim.Env }

type outcome struct {
	Value any
	Code  string
}

func doneKey(reqID int64) string { return "done/" + strconv.FormatInt(reqID, 10) }

// lookup reports what request reqID did, if it was carried out here.
func (d done) lookup(reqID int64) (outcome, bool) {
	v, ok := d.env.Disk().Get(doneKey(reqID))
	if !ok {
		return outcome{}, false
	}
	return v.(outcome), true
}

// record notes what a request did; the caller syncs with its own write.
func (d done) record(reqID int64, o outcome) { d.env.Disk().Put(doneKey(reqID), o) }
