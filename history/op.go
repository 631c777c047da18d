// Package history is Jepsen's operation model and its codecs.
//
// An invocation and its completion are two records sharing a process; a
// completion's type is ok, fail or info (info: it may or may not have taken
// effect). Values are plain data: nil, int64, string, bool, []any and
// map[string]any, so histories move freely between JSON and EDN.
package history

import (
	"fmt"
	"strconv"
	"strings"
)

// Type is a record's kind: an invocation or one of the three completions.
type Type string

// The four record types of Jepsen's op model.
const (
	Invoke Type = "invoke"
	OK     Type = "ok"
	Fail   Type = "fail"
	Info   Type = "info"
)

// Valid reports whether t is one of the four record types.
func (t Type) Valid() bool {
	return t == Invoke || t == OK || t == Fail || t == Info
}

// Process identifies a client process; Nemesis marks fault records.
type Process int64

// Nemesis is the process of fault records ("nemesis" in JSON and EDN).
const Nemesis Process = -1

// String renders a process as Jepsen does: its number, or "nemesis".
func (p Process) String() string {
	if p == Nemesis {
		return "nemesis"
	}
	return strconv.FormatInt(int64(p), 10)
}

// Op is one record of a history. Field order is Jepsen's and is the JSON order.
type Op struct {
	Index   int64   `json:"index"`
	Time    int64   `json:"time"` // virtual nanoseconds since the run began
	Process Process `json:"process"`
	Type    Type    `json:"type"`
	F       string  `json:"f"`
	Key     string  `json:"key,omitempty"`
	Value   any     `json:"value"`
	Node    string  `json:"node,omitempty"`
	Error   string  `json:"error,omitempty"`
}

// IsNemesis reports whether the record is a fault, not a client operation.
func (o Op) IsNemesis() bool { return o.Process == Nemesis }

// History is a sequence of records in the order they happened.
type History []Op

// Reindex sets each record's Index to its position.
func (h History) Reindex() {
	for i := range h {
		h[i].Index = int64(i)
	}
}

// ClientOps returns the records that are not nemesis records.
func (h History) ClientOps() History {
	out := make(History, 0, len(h))
	for _, o := range h {
		if !o.IsNemesis() {
			out = append(out, o)
		}
	}
	return out
}

// Pair is an operation: its invocation and its completion, if it completed.
type Pair struct {
	Invoke       Op
	Completion   *Op // nil when the history ends before the operation returns
	InvokeAt     int // the invocation's position in the history
	CompletionAt int // the completion's position, -1 when there is none
}

// Pairs matches each invocation with the next completion of its process,
// in invocation order. It reports, as a *RecordError, the first record that
// breaks Jepsen's rule of one outstanding operation per process, or
// completes another function than its process invoked.
func (h History) Pairs() ([]Pair, error) {
	open := map[Process]int{}
	var pairs []Pair
	for i, o := range h {
		if o.IsNemesis() {
			continue
		}
		switch o.Type {
		case Invoke:
			if j, busy := open[o.Process]; busy {
				return nil, &RecordError{At: i, Other: pairs[j].InvokeAt,
					Msg: fmt.Sprintf("process %v invokes %s while its %s (%s) is still open", o.Process, Excerpt(o.F), Excerpt(pairs[j].Invoke.F), OtherRecord)}
			}
			open[o.Process] = len(pairs)
			pairs = append(pairs, Pair{Invoke: o, InvokeAt: i, CompletionAt: -1})
		case OK, Fail, Info:
			j, busy := open[o.Process]
			if !busy {
				if o.Type == Info {
					continue // Jepsen logs stray infos (e.g. a crashed client); they complete nothing
				}
				return nil, &RecordError{At: i, Other: -1,
					Msg: fmt.Sprintf("process %v completes %s with %s but has no open invocation", o.Process, Excerpt(o.F), o.Type)}
			}
			if o.F != pairs[j].Invoke.F {
				return nil, &RecordError{At: i, Other: pairs[j].InvokeAt,
					Msg: fmt.Sprintf("process %v completes %s but invoked %s (%s)", o.Process, Excerpt(o.F), Excerpt(pairs[j].Invoke.F), OtherRecord)}
			}
			c := o
			pairs[j].Completion, pairs[j].CompletionAt = &c, i
			delete(open, o.Process)
		default:
			return nil, &RecordError{At: i, Other: -1, Msg: fmt.Sprintf("unknown type %s", Excerpt(string(o.Type)))}
		}
	}
	return pairs, nil
}

// OtherRecord stands in a RecordError's Msg for the other record it names.
// (A NUL byte: no excerpt of the input can contain one.)
const OtherRecord = "\x00"

// RecordError is a problem with one record of a history, by its position,
// so that a reader that knows where each record came from can name its
// line instead (see Describe and ReadInfo.LineOf).
type RecordError struct {
	At int // the record's position in the history
	// Msg says what is wrong; when Other >= 0 it holds OtherRecord once,
	// where the other record involved is named.
	Msg   string
	Other int
}

func (e *RecordError) Error() string {
	return e.Describe(func(i int) string { return fmt.Sprintf("record %d", i) })
}

// Describe renders the error naming records with name: "line 12" rather
// than "record 7".
func (e *RecordError) Describe(name func(record int) string) string {
	return name(e.At) + ": " + e.Message(name)
}

// Message is what is wrong, naming the other record involved (if any)
// with name, without naming the record itself.
func (e *RecordError) Message(name func(record int) string) string {
	if e.Other >= 0 {
		return strings.Replace(e.Msg, OtherRecord, name(e.Other), 1)
	}
	return e.Msg
}
