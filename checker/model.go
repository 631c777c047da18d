package checker

import (
	"fmt"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// status is what a completion tells the checker about an operation.
type status uint8

const (
	// statusOK: the operation happened, with the completion's result.
	statusOK status = iota
	// statusUnknown: info, or no completion: it may have happened at any
	// moment after its invocation, or never; its result is unknown.
	statusUnknown
	// statusMismatch: a compare-and-set failed because its compare did not
	// match (Error "mismatch"); it observed the register without changing it.
	statusMismatch
	// statusFailed: the operation did not happen; the search ignores it.
	statusFailed
)

// opcode is an operation's kind, resolved once from its f.
type opcode uint8

const (
	opRead opcode = iota
	opWrite
	opCAS
	opAppend
	opAdd
	opEnqueue
	opDequeue
	opDrain
	opAcquire
	opRelease
	opTxn
)

var opNames = map[opcode]string{
	opRead: "read", opWrite: "write", opCAS: "cas", opAppend: "append", opAdd: "add",
	opEnqueue: "enqueue", opDequeue: "dequeue", opDrain: "drain", opAcquire: "acquire",
	opRelease: "release", opTxn: "txn",
}

// call is one client operation prepared for porcupine: its invocation, its
// completion, and what the model needs from them.
type call struct {
	id      int // position among the prepared calls
	proc    history.Process
	op      opcode
	key     string
	arg     any // write value, cas from, add delta, enqueued element, txn
	arg2    any // cas to
	result  any // the completion's value when status is statusOK
	status  status
	nilAny  bool // a read of nil constrains nothing (the initial value is not nil)
	invPos  int  // position of the invocation in the history
	compPos int  // position of the completion; -1 when there is none
	inv     history.Op
	comp    *history.Op
}

// model is a data type the checker knows: a porcupine model plus what the
// witness search and the explanations need.
type model struct {
	name        string
	doc         string
	partitioned bool // checked per key
	ops         map[string]opcode
	// parse checks a call's shape and fills arg, arg2 and result.
	parse func(c *call, init any) error
	// initState builds the initial state from Options.Init.
	initState func(init any) (any, error)
	step      func(state any, c *call) (bool, any)
	equal     func(a, b any) bool
	hash      func(any) uint64
	// describeState renders a state for people.
	describeState func(any) string
	// writes and observes give the values an operation makes visible and
	// the values its result depends on having been made visible; the
	// witness keeps an observer's writer (see shrink.go). Optional.
	writes   func(c *call) []string
	observes func(c *call, init any) []string
	// latest: writes overwrite, so an observer saw the latest writes of
	// its value before it, not older ones (sources.go).
	latest bool
	// elements and project let the witness search keep only some elements
	// (set and queue items, registers of a transaction). Optional.
	elements func(c *call) []string
	project  func(c *call, keep map[string]bool) *call
	// prune drops or bounds unknown operations without changing the
	// verdict (see prune.go). Optional.
	prune pruneFunc
}

var models = map[string]*model{}

func register(m *model) { models[m.name] = m }

// Models lists the model names Check accepts, sorted.
func Models() []string {
	names := make([]string, 0, len(models))
	for n := range models {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ModelDoc describes a model's operations in one line, for help texts.
func ModelDoc(name string) string {
	if m, ok := models[name]; ok {
		return m.doc
	}
	return ""
}

func lookupModel(name string) (*model, error) {
	if name == "" {
		name = "register"
	}
	m, ok := models[name]
	if !ok {
		return nil, fmt.Errorf("unknown model %q; want one of %s", name, strings.Join(Models(), ", "))
	}
	return m, nil
}

func (m *model) opNamesList() string {
	var names []string
	for n := range m.ops {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// describeCall renders an operation as a learner reads it:
// "write 3", "read → 3", "cas 1→2", "read → ?" for an unknown result.
func describeCall(c *call) string {
	name := opNames[c.op]
	if c.inv.F != "" && c.inv.F != name {
		name = c.inv.F
	}
	var arg string
	switch c.op {
	case opRead, opDequeue, opDrain, opAcquire, opRelease:
	case opCAS:
		arg = " " + history.Format(c.arg) + "→" + history.Format(c.arg2)
	default:
		arg = " " + history.Format(c.arg)
	}
	if c.key != "" {
		name += " " + c.key
	}
	s := name + arg
	switch c.status {
	case statusUnknown:
		if returnsValue(c.op) {
			s += " → ?"
		} else {
			s += " (?)"
		}
	case statusMismatch:
		s += " → mismatch"
	case statusFailed:
		s += " (failed)"
	default:
		if returnsValue(c.op) {
			s += " → " + history.Format(c.result)
		}
	}
	return s
}

func returnsValue(op opcode) bool {
	switch op {
	case opRead, opDequeue, opDrain, opTxn:
		return true
	case opAcquire:
		return true
	}
	return false
}
