package history

import (
	"fmt"
)

// Jepsen's transactional histories: an operation whose value is a list of
// micro-operations, run as one transaction.
//
//	{:process 0, :type :invoke, :f :txn, :value [[:append :x 1] [:r :y nil]]}
//	{:process 0, :type :ok,     :f :txn, :value [[:append :x 1] [:r :y [1 2]]]}
//
// list-append transactions append to lists ([:append k v]) and read them
// ([:r k [v ...]]); rw-register transactions write registers ([:w k v]) and
// read them ([:r k v]). An ok transaction committed, a failed one did not
// happen, an info one may or may not have happened; its reads are unknown.

// The micro-operation functions, as Jepsen writes them.
const (
	MopAppend = "append"
	MopRead   = "r"
	MopWrite  = "w"
)

// MicroOp is one step of a transaction. Key and Value are history values
// (int64, string, ... or lists of them). A read's Value is nil in an
// invocation (not known yet); in an ok completion it is what the read
// returned: a list for list-append, the register's value for rw-register
// (nil: nothing written yet).
type MicroOp struct {
	F     string
	Key   any
	Value any
}

// Txn is one transaction: an invocation and its completion.
type Txn struct {
	Process Process
	// Type is OK, Fail or Info; Info too when the history ends before the
	// transaction completes.
	Type Type
	// Mops are the completion's micro-operations, or the invocation's when
	// the completion carries none.
	Mops []MicroOp
	// Invocation and Completion are the two records; either may be nil (a
	// history of completions only has no invocations).
	Invocation, Completion *Op
	// InvokeAt and CompleteAt are their positions in the history, -1 when
	// absent.
	InvokeAt, CompleteAt int
}

// Record returns the record that stands for the transaction: its
// completion, or its invocation when it never completed.
func (t Txn) Record() Op {
	if t.Completion != nil {
		return *t.Completion
	}
	return *t.Invocation
}

// Records returns the transaction's invocation and completion, those it has.
func (t Txn) Records() History {
	var h History
	if t.Invocation != nil {
		h = append(h, *t.Invocation)
	}
	if t.Completion != nil {
		h = append(h, *t.Completion)
	}
	return h
}

// Txns reads the transactions of a history: each client invocation with the
// next completion of its process. A completion with no open invocation (as in
// Elle's examples, which list completions only) is a transaction of its own;
// an invocation the history never completes is an info transaction. Nemesis
// records are skipped. Errors name the record and micro-operation at fault.
func Txns(h History) ([]Txn, error) {
	open := map[Process]int{}
	var txns []Txn
	for i := range h {
		o := &h[i]
		if o.IsNemesis() {
			continue
		}
		switch o.Type {
		case Invoke:
			if j, busy := open[o.Process]; busy {
				return nil, fmt.Errorf("record %d: process %v invokes a transaction while its transaction at record %d is still open", i, o.Process, txns[j].InvokeAt)
			}
			open[o.Process] = len(txns)
			txns = append(txns, Txn{Process: o.Process, Type: Info, Invocation: o, InvokeAt: i, CompleteAt: -1})
		case OK, Fail, Info:
			j, busy := open[o.Process]
			if !busy {
				txns = append(txns, Txn{Process: o.Process, InvokeAt: -1})
				j = len(txns) - 1
			} else if inv := txns[j].Invocation; o.F != inv.F {
				return nil, fmt.Errorf("record %d: process %v completes %q but invoked %q (record %d)", i, o.Process, o.F, inv.F, txns[j].InvokeAt)
			}
			delete(open, o.Process)
			txns[j].Type, txns[j].Completion, txns[j].CompleteAt = o.Type, o, i
		default:
			return nil, fmt.Errorf("record %d: unknown type %q", i, o.Type)
		}
	}
	for i := range txns {
		if err := txns[i].parse(); err != nil {
			return nil, err
		}
	}
	return txns, nil
}

// parse reads the micro-operations from the completion, or from the
// invocation when the completion has no value (Jepsen's info and fail
// completions usually repeat the invocation's).
func (t *Txn) parse() error {
	rec, at := t.Invocation, t.InvokeAt
	if t.Completion != nil && (t.Completion.Value != nil || t.Invocation == nil || t.Type == OK) {
		rec, at = t.Completion, t.CompleteAt
	}
	mops, err := ParseMicroOps(rec.Value)
	if err != nil {
		return fmt.Errorf("record %d (process %v, %s): field \"value\": %w", at, rec.Process, rec.Type, err)
	}
	t.Mops = mops
	return nil
}

// ParseMicroOps reads a transaction's value: a list of [f k v] micro-
// operations, f one of append, r and w. A read may omit its value ([:r k]).
func ParseMicroOps(v any) ([]MicroOp, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("want a transaction [[f k v] ...]; got %s", clip(Format(v)))
	}
	mops := make([]MicroOp, len(list))
	for i, e := range list {
		m, err := parseMicroOp(e)
		if err != nil {
			return nil, fmt.Errorf("micro-operation %d: %w", i, err)
		}
		mops[i] = m
	}
	return mops, nil
}

func parseMicroOp(e any) (MicroOp, error) {
	l, ok := e.([]any)
	if !ok || len(l) < 2 || len(l) > 3 {
		return MicroOp{}, fmt.Errorf("want [f k v]; got %s", clip(Format(e)))
	}
	f, _ := l[0].(string)
	m := MicroOp{F: f, Key: l[1]}
	if len(l) == 3 {
		m.Value = l[2]
	}
	switch {
	case f != MopAppend && f != MopRead && f != MopWrite:
		return m, fmt.Errorf("want append, r or w; got %s", clip(Format(l[0])))
	case len(l) == 2 && f != MopRead:
		return m, fmt.Errorf("%s needs a value: %s", f, clip(Format(e)))
	case !keyLike(m.Key):
		return m, fmt.Errorf("key %s is not a number, string or list of them", clip(Format(m.Key)))
	case f != MopRead && (m.Value == nil || !Scalar(m.Value)):
		return m, fmt.Errorf("%s of %s: want a number or string", f, clip(Format(m.Value)))
	}
	return m, nil
}

// Scalar reports whether v is a single value: a number, string or boolean.
func Scalar(v any) bool {
	switch v.(type) {
	case int64, string, bool, float64:
		return true
	}
	return false
}

// keyLike reports whether v can name a key: a scalar, or a list of keys
// (Elle's tests use keys like [:anti 3]).
func keyLike(v any) bool {
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if !keyLike(e) {
				return false
			}
		}
		return true
	}
	return Scalar(v)
}

// TxnValue renders micro-operations back as a history value.
func TxnValue(mops []MicroOp) []any {
	out := make([]any, len(mops))
	for i, m := range mops {
		out[i] = []any{m.F, m.Key, m.Value}
	}
	return out
}
