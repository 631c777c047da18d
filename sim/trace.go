package sim

import "fmt"

// TraceKind says what a trace event records.
type TraceKind uint8

// The kinds of trace events.
const (
	TraceSend TraceKind = iota
	TraceDeliver
	TraceDrop
	TraceDuplicate
	TraceHold // a message or timer waits for a paused node
	TraceTimer
	TraceFault
	TraceInvoke
	TraceComplete
	TraceLog
)

var traceKindNames = [...]string{"send", "deliver", "drop", "duplicate", "hold", "timer", "fault", "invoke", "complete", "log"}

func (k TraceKind) String() string {
	if int(k) < len(traceKindNames) {
		return traceKindNames[k]
	}
	return fmt.Sprintf("kind%d", k)
}

// TraceEvent is one line of the trace: every send, delivery, drop, timer,
// fault and client operation, for playback and the message view.
type TraceEvent struct {
	Step   int64 // events processed before this one
	Time   int64 // virtual ns
	Kind   TraceKind
	Src    string
	Dest   string
	MsgID  int64
	Body   Body   // for message events
	Detail string // reason for a drop, a fault's description, a log line
}

func (t TraceEvent) String() string {
	switch t.Kind {
	case TraceSend, TraceDeliver, TraceDrop, TraceDuplicate, TraceHold:
		s := fmt.Sprintf("%12d %-9s #%d %s→%s %s", t.Time, t.Kind, t.MsgID, t.Src, t.Dest, describeOrEmpty(t.Body))
		if t.Detail != "" {
			s += " (" + t.Detail + ")"
		}
		return s
	default:
		who := t.Src
		if t.Dest != "" {
			who += "→" + t.Dest
		}
		return fmt.Sprintf("%12d %-9s %s %s", t.Time, t.Kind, who, t.Detail)
	}
}

func describeOrEmpty(b Body) string {
	if b == nil {
		return ""
	}
	return DescribeBody(b)
}
