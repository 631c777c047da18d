package history

import "fmt"

// ParseError names where a history could not be read: file, line and field.
type ParseError struct {
	File  string // may be empty when reading a stream
	Line  int    // 1-based; 0 when unknown
	Field string // may be empty when the whole record is bad
	Msg   string
}

func (e *ParseError) Error() string {
	where := e.File
	if where == "" {
		where = "input"
	}
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", where, e.Line)
	}
	if e.Field != "" {
		return fmt.Sprintf("%s: field %q: %s", where, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s: %s", where, e.Msg)
}

// The error vocabulary: the Error of a fail or info completion, shared by
// the toy databases that answer with it and the checker that reads it. Only
// ErrorMismatch changes what the checker concludes; the others say why an
// operation did not happen (fail) or may not have (info), for people.
const (
	// ErrorMismatch is the Error of a failed compare-and-set whose compare did
	// not match: the register did not hold the expected value when it ran. The
	// cas-register checker reads such a failure as an observation, not merely
	// as an operation that did not happen. A database may answer it only from
	// committed state: a compare against a copy that may yet be rolled back
	// observes nothing.
	ErrorMismatch = "mismatch"
	// ErrorTimedOut is the Error of a record whose outcome a client never learnt.
	ErrorTimedOut = "timed-out"

	// ErrorNotLeader: the node reached does not lead (Leader names who does,
	// when it knows); nothing was done.
	ErrorNotLeader = "not-leader"
	// ErrorNoLeader: no leader is known now.
	ErrorNoLeader = "no-leader"
	// ErrorSuperseded: the leader lost its place in the log to another
	// leader's entry; the operation may still happen (info).
	ErrorSuperseded = "superseded"
	// ErrorNotEnoughReplicas: too few replicas in sync to accept a write
	// (Kafka's NotEnoughReplicas).
	ErrorNotEnoughReplicas = "not-enough-replicas"
	// ErrorUnavailable: too few replicas answered in time.
	ErrorUnavailable = "unavailable"
	// ErrorEmpty: a dequeue found the queue empty.
	ErrorEmpty = "empty"
	// ErrorFenced: storage refused a request whose fencing token is older
	// than one it has seen.
	ErrorFenced = "fenced"
	// ErrorLeaseExpired: a worker found its lease over before it wrote.
	ErrorLeaseExpired = "lease-expired"
	// ErrorBadRequest: the operation's value has the wrong shape.
	ErrorBadRequest = "bad-request"
	// ErrorUnsupported: the database has no such operation.
	ErrorUnsupported = "unsupported"
)

// Refusal reports whether an error code refuses one attempt without
// running it (a node that does not lead, too few replicas): it says
// nothing of an earlier attempt of the same operation, which a retrying
// client must then record as info. Any other code reports what the
// operation itself did.
func Refusal(code string) bool {
	switch code {
	case ErrorNotLeader, ErrorNoLeader, ErrorNotEnoughReplicas, ErrorUnavailable, ErrorTimedOut:
		return true
	}
	return false
}
