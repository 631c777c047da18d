package sim

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
)

// inflight counts the messages on their way, per link: sent (or
// duplicated) and not yet delivered or dropped. A message held for a
// paused node is still on its way; one lost with a node that crashed while
// paused is not.
type inflight struct {
	ends  int     // nodes and clients
	links []int32 // [src*ends+dest]
	to    []int32 // per destination
	total int
}

func newInflight(ends int) inflight {
	return inflight{ends: ends, links: make([]int32, ends*ends), to: make([]int32, ends)}
}

func (f *inflight) add(src, dest int, d int32) {
	f.links[src*f.ends+dest] += d
	f.to[dest] += d
	f.total += int(d)
}

// InFlightTo is the number of messages on their way to a node or a
// client: sent, not yet delivered or dropped (those a paused node holds
// included).
func (s *Sim) InFlightTo(id string) int {
	if i, ok := s.position(id); ok {
		return int(s.flight.to[i])
	}
	return 0
}

// InFlightBetween is the number of messages on their way from src to dest
// (each a node or a client).
func (s *Sim) InFlightBetween(src, dest string) int {
	i, ok1 := s.position(src)
	j, ok2 := s.position(dest)
	if !ok1 || !ok2 {
		return 0
	}
	return int(s.flight.links[i*s.flight.ends+j])
}

// InFlightMessages is the number of messages on their way, in all.
func (s *Sim) InFlightMessages() int { return s.flight.total }

// ClientIDs are the clients' ids in order: c1, c2, ...
func (s *Sim) ClientIDs() []string { return s.clientIDs }

// ClientOf is the client that runs process p. Client k (c1 is k = 0)
// starts as process k; a process whose operation times out retires
// (Jepsen's rule) and the client goes on as process p + clients, so the
// client of p is c(p mod clients + 1).
func ClientOf(p history.Process, clients int) string {
	if p < 0 || clients < 1 {
		return ""
	}
	return fmt.Sprintf("c%d", int64(p)%int64(clients)+1)
}

// ClientOf is the client that runs process p in this run ("" for the
// nemesis).
func (s *Sim) ClientOf(p history.Process) string { return ClientOf(p, s.cfg.Clients) }

// ClientView is what one client is doing now.
type ClientView struct {
	ID      string
	Process history.Process // its current process
	Busy    bool            // an operation is open
	Node    string          // the node its open operation went to
	Request Request         // the open operation
	Since   int64           // when the open operation was invoked
	Tries   int             // retries of the open operation so far
}

// Clients describes every client now.
func (s *Sim) Clients() []ClientView {
	out := make([]ClientView, len(s.clients))
	for k := range s.clients {
		c := &s.clients[k]
		out[k] = ClientView{ID: s.clientIDs[k], Process: history.Process(c.process), Busy: c.busy}
		if c.busy {
			out[k].Node, out[k].Request, out[k].Since, out[k].Tries = c.node, c.req, c.invokeAt, c.tries
		}
	}
	return out
}
