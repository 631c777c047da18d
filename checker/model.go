package checker

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/anishathalye/porcupine"

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

// Model names a consistency model the checker knows. Use the constants
// (ModelRegister, ModelCounter, ...: each in its model's file); ParseModel
// reads a name typed by a person.
type Model string

// model is a data type the checker knows: a porcupine model plus what the
// witness search and the explanations need. Everything particular to a
// model lives in its own file, as hooks here: adding a model touches that
// file (and its tests) only.
type model struct {
	name        Model
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
	// decide, when set, decides the histories it accepts exactly, in
	// near-linear time, instead of porcupine's search (accepted false:
	// search). It sees the operations exactly as the search would.
	decide func(ops []porcupine.Operation, init any) (ok, accepted bool)
	// noop reports whether an operation of unknown outcome would change
	// nothing if it took effect in this state: such a placement is the
	// same as never happening (see search.go). Optional.
	noop func(state any, c *call) bool
	// overwrites reports whether an operation's step ignores the state it
	// replaces (a register's write; see symmetry.go). Optional.
	overwrites func(c *call) bool
	// reach, when set, replaces the writes/observes rule of the witness
	// search: it removes, from cur, the observers left without what they
	// need once the calls in remove are gone (see shrink.go).
	reach func(sh *shrinker, cur []*call, remove map[int]bool)
	// witness, when set, builds a minimal witness straight from the part
	// as of the failing prefix, anchored on the failing call; nil when it
	// has none to offer, and the general search runs.
	witness func(sh *shrinker, part, universe []*call, failing *call) *found
	// explain names the anomaly a witness shows and explains it ("" when
	// it cannot tell; the checker then says no order exists).
	explain func(a *analysis) (name, why string)
	// group summarises a long witness for a learner. Optional.
	group func(a *analysis) []string
	// promise says what the model promises, to close an explanation.
	promise string
	// element names what a projection keeps: "element", "register".
	element string
}

var models = map[Model]*model{}

func register(m *model) { models[m.name] = m }

// Models lists the models Check accepts, sorted by name.
func Models() []Model {
	names := make([]Model, 0, len(models))
	for n := range models {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// ModelNames lists the models' names, sorted, for messages and help.
func ModelNames() []string {
	var out []string
	for _, m := range Models() {
		out = append(out, string(m))
	}
	return out
}

// ParseModel reads a model's name as a person types it.
func ParseModel(name string) (Model, error) {
	if _, ok := models[Model(name)]; !ok {
		return "", fmt.Errorf("unknown model %q; want one of %s", name, strings.Join(ModelNames(), ", "))
	}
	return Model(name), nil
}

// Doc describes a model's operations in one line, for help texts.
func (m Model) Doc() string {
	if mm, ok := models[m]; ok {
		return mm.doc
	}
	return ""
}

func lookupModel(name Model) (*model, error) {
	if name == "" {
		name = ModelRegister
	}
	m, ok := models[name]
	if !ok {
		return nil, fmt.Errorf("unknown model %q; want one of %s", name, strings.Join(ModelNames(), ", "))
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
