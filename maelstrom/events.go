package maelstrom

import (
	"encoding/json"
	"sync/atomic"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// Event is one thing that happened in a run, as it happened: a message
// sent, delivered, dropped or duplicated; a fault; a client operation's
// invocation or completion; a line a node wrote to stderr. It is the
// simulator's trace event, so a view that draws a lesson's trace draws a
// run of real processes too. Step numbers events in the order faultline
// saw them; Time is nanoseconds of real time since the run began.
type Event struct {
	sim.TraceEvent
	// Op is the history record of an invocation, a completion or a fault.
	Op *history.Op
	// State is the cluster just after a fault was applied (fault events
	// only), so that a view can show any past moment as it was.
	State *State
}

// Body is a message body as the trace shows it: its type, its JSON, and
// the id of the request it answers (0 when it answers none; its own
// msg_id is the event's MsgID).
type Body struct {
	Kind      string
	JSON      json.RawMessage
	InReplyTo int64
}

// Type is the body's "type".
func (b Body) Type() string { return b.Kind }

func (b Body) String() string { return string(b.JSON) }

// events delivers events to the caller's channel without ever blocking the
// run: when the channel is full the event is counted as lost.
type events struct {
	ch   chan<- Event
	step atomic.Int64
	lost atomic.Int64
	now  func() int64
}

func (e *events) on() bool { return e.ch != nil }

func (e *events) emit(ev Event) { e.emitAt(ev, -1) }

// emitAt emits an event that happened at time at (-1: now).
func (e *events) emitAt(ev Event, at int64) {
	if e.ch == nil {
		return
	}
	ev.Step = e.step.Add(1) - 1
	ev.Time = at
	if at < 0 {
		ev.Time = e.now()
	}
	select {
	case e.ch <- ev:
	default:
		e.lost.Add(1)
	}
}

func (e *events) message(kind sim.TraceKind, m *Message, detail string) {
	e.messageAt(kind, m, detail, -1)
}

func (e *events) messageAt(kind sim.TraceKind, m *Message, detail string, at int64) {
	if e.ch == nil {
		return
	}
	e.emitAt(Event{TraceEvent: sim.TraceEvent{Kind: kind, Src: m.Src, Dest: m.Dest, MsgID: m.Head.MsgID,
		Body: Body{Kind: m.Head.Type, JSON: m.BodyJSON(), InReplyTo: m.Head.InReplyTo}, Detail: detail}}, at)
}
