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
}

// Body is a message body as the trace shows it: its type and its JSON.
type Body struct {
	Kind string
	JSON json.RawMessage
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

func (e *events) emit(ev Event) {
	if e.ch == nil {
		return
	}
	ev.Step = e.step.Add(1) - 1
	ev.Time = e.now()
	select {
	case e.ch <- ev:
	default:
		e.lost.Add(1)
	}
}

func (e *events) message(kind sim.TraceKind, m *Message, detail string) {
	if e.ch == nil {
		return
	}
	e.emit(Event{TraceEvent: sim.TraceEvent{Kind: kind, Src: m.Src, Dest: m.Dest, MsgID: m.Head.MsgID,
		Body: Body{Kind: m.Head.Type, JSON: m.BodyJSON()}, Detail: detail}})
}
