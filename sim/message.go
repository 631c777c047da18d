package sim

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
)

// Body is a message's payload. As in Maelstrom, every body has a type;
// toy databases define their own body structs. Bodies are values: a node
// must not change a body after sending it.
type Body interface {
	Type() string
}

// Message is Maelstrom's shape: a source, a destination and a typed body.
type Message struct {
	ID   int64 // unique within a run, in send order
	Src  string
	Dest string
	Body Body
}

func (m Message) String() string {
	return fmt.Sprintf("#%d %s→%s %s", m.ID, m.Src, m.Dest, DescribeBody(m.Body))
}

// DescribeBody renders a body for the trace and the message view.
func DescribeBody(b Body) string {
	if s, ok := b.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%s %+v", b.Type(), b)
}

// Request is an operation a client asks of the database, as the workload
// generates it (Jepsen's f, key and value).
type Request struct {
	F     string
	Key   string
	Value any
}

// Clone is a copy of the request that shares nothing with it (its value
// copied as Disk.Put copies).
func (r Request) Clone() Request {
	r.Value = deepCopy(r.Value)
	return r
}

// ClientRequest is a Request on the wire, from a client to a node.
type ClientRequest struct {
	MsgID int64 // this message's id; a retry has a new one
	ReqID int64 // the operation's id, the same for every retry (for idempotence)
	Request
}

// Type is the operation's function: read, write, cas, add, ...
func (r ClientRequest) Type() string { return r.F }

func (r ClientRequest) String() string {
	s := r.F
	if r.Key != "" {
		s += " " + r.Key
	}
	if r.Value != nil {
		s += " " + history.Format(r.Value)
	}
	return s
}

// ClientReply is a node's answer to a ClientRequest. An error is definite
// (the operation did not happen: the client records fail) unless
// Indefinite is set (it may have happened: the client records info).
type ClientReply struct {
	InReplyTo  int64
	OK         bool
	Value      any    // the completion's value (a read's result, ...)
	Code       string // error code when !OK: not-leader, cas-mismatch, unavailable, ...
	Indefinite bool
	Leader     string // a hint for leader-seeking clients, when the node knows
}

// Type is Maelstrom's: "ok" or "error".
func (r ClientReply) Type() string {
	if r.OK {
		return "ok"
	}
	return "error"
}

func (r ClientReply) String() string {
	if r.OK {
		return "ok " + history.Format(r.Value)
	}
	s := "error " + r.Code
	if r.Indefinite {
		s += " (indefinite)"
	}
	return s
}
