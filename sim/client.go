package sim

import (
	"github.com/faultline-lab/faultline/history"
)

func (s *Sim) clientWake(k int) {
	c := &s.clients[k]
	if c.busy || s.phase == phaseDone {
		return
	}
	switch s.phase {
	case phaseMain:
		if s.issued < s.cfg.Ops {
			s.issued++
			s.invoke(k, s.gen.Next(s.workloadRNG, c.process))
			return
		}
		if s.allIdle() {
			s.enterHealing()
		}
	case phaseFinal:
		if s.nextFin < len(s.finals) {
			r := s.finals[s.nextFin]
			s.nextFin++
			s.invoke(k, r)
			return
		}
		s.checkDone()
	}
}

func (s *Sim) allIdle() bool {
	for i := range s.clients {
		if s.clients[i].busy {
			return false
		}
	}
	return true
}

func (s *Sim) checkDone() {
	if s.phase == phaseFinal && s.nextFin >= len(s.finals) && s.allIdle() {
		s.phase = phaseDone
	}
}

// enterHealing ends the main phase: heal every fault, wait, then run the
// workload's final operations (Jepsen's final generator).
func (s *Sim) enterHealing() {
	s.phase = phaseHealing
	if s.anyFaultActive() {
		s.applyFault(Fault{Kind: FaultHealAll, At: s.now}, OwnerSim, s.nemesisRNG)
	}
	s.push(s.now+s.cfg.FinalDelayNs, event{kind: evFinalStart})
}

func (s *Sim) pickTarget(c *clientState, k int) int {
	switch s.cfg.Routing {
	case RouteSticky:
		return k % s.cfg.Nodes
	case RouteLeader:
		if c.target >= 0 {
			return c.target
		}
	}
	return s.clientRNG.IntN(s.cfg.Nodes)
}

func (s *Sim) invoke(k int, r Request) {
	c := &s.clients[k]
	target := s.pickTarget(c, k)
	c.busy = true
	c.opSeq++
	c.req = r
	c.node = s.nodeIDs[target]
	c.invokeAt = s.now
	s.record(history.Op{Process: history.Process(c.process), Type: history.Invoke, F: r.F, Key: r.Key, Value: r.Value, Node: c.node})
	if s.cfg.Trace {
		s.trace(TraceEvent{Kind: TraceInvoke, Src: s.clientIDs[k], Dest: c.node, Detail: ClientRequest{Request: r}.String()})
	}
	s.nextReq++
	c.reqID, c.tries = s.nextReq, 0
	s.attempt(k)
}

// attempt sends the client's current request and arms its timeout.
func (s *Sim) attempt(k int) {
	c := &s.clients[k]
	c.msgID = s.nextMsg + 1 // the id send will give
	s.send(s.cfg.Nodes+k, c.node, ClientRequest{MsgID: c.msgID, ReqID: c.reqID, Request: c.req})
	s.push(s.now+s.cfg.TimeoutNs, event{kind: evClientTimeout, who: k, n: c.opSeq})
}

func (s *Sim) clientReceive(k int, m Message) {
	c := &s.clients[k]
	reply, ok := m.Body.(ClientReply)
	if !ok || !c.busy || reply.InReplyTo != c.msgID {
		return // a late or duplicate reply: the client has moved on
	}
	at := int64(len(s.hist)) // the completion's index
	if s.cfg.Routing == RouteLeader {
		if i, isNode := s.isNode(reply.Leader); isNode {
			c.target = i
		} else if !reply.OK {
			c.target = -1
		}
	}
	switch {
	case reply.OK:
		v := reply.Value
		if v == nil && c.req.F != "read" {
			v = c.req.Value
		}
		s.complete(k, history.OK, v, "")
	case reply.Indefinite || c.tries > 0 && history.Refusal(reply.Code):
		// A refusal speaks for the attempt it answers: an earlier attempt
		// of the same operation may still have happened.
		s.complete(k, history.Info, c.req.Value, reply.Code)
	default:
		s.complete(k, history.Fail, c.req.Value, reply.Code)
	}
	if m.Src != c.node {
		if s.answeredBy == nil {
			s.answeredBy = map[int64]string{}
		}
		s.answeredBy[at] = m.Src
	}
}

func (s *Sim) clientTimeout(k int, opSeq int64) {
	c := &s.clients[k]
	if !c.busy || c.opSeq != opSeq {
		return
	}
	if c.tries < s.cfg.Client.Retries {
		c.tries++
		c.opSeq++ // the old attempt's timeout no longer counts
		if s.cfg.Routing != RouteSticky {
			c.node = s.nodeIDs[s.pickTarget(c, k)]
		}
		s.attempt(k)
		return
	}
	if s.cfg.Client.TimeoutAsFail {
		s.complete(k, history.Fail, c.req.Value, "timeout")
		return
	}
	var v any
	if c.req.F != "read" {
		v = c.req.Value
	}
	s.complete(k, history.Info, v, "timeout")
	// Jepsen's rule: a process whose operation is indeterminate retires; a
	// new process takes its place.
	c.process += int64(s.cfg.Clients)
	c.target = -1
}

func (s *Sim) complete(k int, t history.Type, v any, code string) {
	c := &s.clients[k]
	s.record(history.Op{Process: history.Process(c.process), Type: t, F: c.req.F, Key: c.req.Key, Value: v, Node: c.node, Error: code})
	if s.cfg.Trace {
		d := string(t) + " " + c.req.F + " " + history.Format(v)
		if code != "" {
			d += " (" + code + ")"
		}
		s.trace(TraceEvent{Kind: TraceComplete, Src: s.clientIDs[k], Dest: c.node, Detail: d})
	}
	c.busy = false
	s.push(s.think(), event{kind: evClientWake, who: k})
	if s.phase == phaseFinal {
		s.checkDone()
	}
}
