package tui

import (
	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// runSource is what the explorer reads of a run: a lesson's simulation as
// it plays back, or the learner's own nodes running live. The explorer
// draws both the same way; only where they differ — how a past moment of
// the cluster is known, how an operation's events are found in the trace —
// does the source answer for itself.
type runSource interface {
	hist() history.History
	faults() []sim.AppliedFault
	// ownerName says who made a fault: learner, schedule, simulator, or a
	// mix's kind.
	ownerName(o sim.Owner) string
	events() []sim.TraceEvent
	clock() int64 // the run's present: virtual ns, or real ns since a live run began
	nodeIDs() []string
	// columns are the message view's columns: clients, nodes, and any
	// service the nodes talk to.
	columns() []string
	clientCount() int
	clientOf(p history.Process) string
	latencyNs() int64 // the slowest ordinary latency: a message slower than it was delayed
	begun() bool
	done() bool
	// opEvents finds an operation's invocation and completion in the
	// trace (-1: not found).
	opEvents(x *messageIndex, inv history.Op, comp *history.Op) (int, int)
	// pastSnap is the cluster at an earlier moment when the source keeps
	// it; false when it has to be re-simulated.
	pastSnap(at int64) (clusterSnap, bool)
}

// A lesson's run is a runSource: its simulation answers.

func (p *playback) hist() history.History             { return p.s.History() }
func (p *playback) faults() []sim.AppliedFault        { return p.s.Applied() }
func (p *playback) ownerName(o sim.Owner) string      { return p.s.OwnerName(o) }
func (p *playback) events() []sim.TraceEvent          { return p.s.Trace() }
func (p *playback) clock() int64                      { return p.s.Now() }
func (p *playback) nodeIDs() []string                 { return p.s.NodeIDs() }
func (p *playback) clientCount() int                  { return p.s.Config().Clients }
func (p *playback) clientOf(q history.Process) string { return p.s.ClientOf(q) }
func (p *playback) latencyNs() int64                  { return p.s.Config().LatencyMaxNs }
func (p *playback) begun() bool                       { return p.started }

func (p *playback) columns() []string { return clientColumns(p.clientCount(), p.nodeIDs()) }

func (p *playback) opEvents(x *messageIndex, inv history.Op, comp *history.Op) (int, int) {
	return x.opEvents(inv, comp, p.clientCount())
}

// pastSnap: a lesson's past is re-simulated (see scrubState).
func (p *playback) pastSnap(int64) (clusterSnap, bool) { return clusterSnap{}, false }

// clientColumns are c1…cK, then the nodes.
func clientColumns(clients int, nodes []string) []string {
	out := make([]string, 0, clients+len(nodes))
	for k := 1; k <= clients; k++ {
		out = append(out, sim.ClientOf(history.Process(k-1), clients))
	}
	return append(out, nodes...)
}
