package txn

import (
	"fmt"

	"github.com/faultline-lab/faultline/history"
)

// rw-register: transactions write unique values to registers and read
// them; every register starts as nil. A transaction's external read of a
// key is its first read before it writes the key, its external write the
// last write. Without a version order the history proves two things: a
// read of a value depends on its writer (wr), and a read of nil — the
// initial state — precedes every write of that key (rw).

// extMop is an external read or write of one key by one transaction.
type extMop struct {
	key   any
	value any
	mop   int
}

type regTxn struct {
	reads, writes map[any]extMop // canonical key → external read / write
}

type rwRegister struct {
	txns []history.Txn
	ext  []regTxn
	// written: canonical key → value → the transaction that wrote it and
	// whether that write was its last of the key.
	written map[any]map[any]regWrite
	out     []Anomaly
}

type regWrite struct {
	at    mopRef
	final bool
	other *mopRef // another transaction that wrote the same value
}

func inferRWRegister(txns []history.Txn) (*inference, error) {
	rr := &rwRegister{txns: txns, ext: make([]regTxn, len(txns)), written: map[any]map[any]regWrite{}}
	if err := rr.index(); err != nil {
		return nil, err
	}
	for i, t := range txns {
		if t.Type == history.OK {
			rr.internal(i)
			rr.readAnomalies(i)
		}
	}
	rr.out = append(rr.out, lostUpdates(txns, history.MopWrite)...)
	return &inference{arcs: rr.arcs(), anomalies: rr.out, justify: rr.justify, txns: txns}, nil
}

// index finds each transaction's external reads and writes and every
// write's writer, checking that the history is an rw-register one whose
// written values are unique per key.
func (rr *rwRegister) index() error {
	for i, t := range rr.txns {
		e := regTxn{reads: map[any]extMop{}, writes: map[any]extMop{}}
		for j, m := range t.Mops {
			c := history.ValueKey(m.Key)
			switch m.F {
			case history.MopWrite:
				byValue := rr.written[c]
				if byValue == nil {
					byValue = map[any]regWrite{}
					rr.written[c] = byValue
				}
				if prev, ok := e.writes[c]; ok {
					if w := byValue[prev.value]; w.at.txn == i {
						w.final = false
						byValue[prev.value] = w
					}
				}
				if w, dup := byValue[m.Value]; dup && w.at.txn != i {
					w.other = &mopRef{i, j}
					byValue[m.Value] = w
				} else {
					byValue[m.Value] = regWrite{at: mopRef{i, j}, final: true}
				}
				e.writes[c] = extMop{m.Key, m.Value, j}
			case history.MopRead:
				if t.Type != history.OK {
					continue // the read's result is unknown
				}
				if !history.Scalar(m.Value) && m.Value != nil {
					return fmt.Errorf("the transaction at %s, micro-operation %d: an rw-register read returns a value; got %s (is this a list-append history?)", where(t), j, history.Format(m.Value))
				}
				if _, wrote := e.writes[c]; !wrote {
					if _, seen := e.reads[c]; !seen {
						e.reads[c] = extMop{m.Key, m.Value, j}
					}
				}
			default:
				return fmt.Errorf("the transaction at %s, micro-operation %d: [%s ...] is not rw-register's (w or r); is this a list-append history?", where(t), j, m.F)
			}
		}
		rr.ext[i] = e
	}
	return rr.unambiguous()
}

// unambiguous checks that no committed read saw a value more than one
// transaction wrote: which of them it read from is then unknown (Elle
// refuses such histories too; values written twice but never read do no
// harm).
func (rr *rwRegister) unambiguous() error {
	for _, t := range rr.txns {
		if t.Type != history.OK {
			continue
		}
		for j, m := range t.Mops {
			if m.F != history.MopRead || m.Value == nil {
				continue
			}
			if w := rr.written[history.ValueKey(m.Key)][m.Value]; w.other != nil {
				return fmt.Errorf("the transaction at %s, micro-operation %d, read %s = %s, which the transactions at %s and %s both wrote; rw-register needs every written value unique per key", where(t), j, history.Format(m.Key), history.Format(m.Value), where(rr.txns[w.at.txn]), where(rr.txns[w.other.txn]))
			}
		}
	}
	return nil
}

// internal checks that a committed transaction reads what it last read or
// wrote of a key.
func (rr *rwRegister) internal(i int) {
	state := map[any]any{}
	for j, m := range rr.txns[i].Mops {
		c := history.ValueKey(m.Key)
		if m.F == history.MopWrite {
			state[c] = m.Value
			continue
		}
		if s, known := state[c]; known && s != m.Value {
			rr.out = append(rr.out, Anomaly{Type: Internal, Txns: []int{i}, Mop: j, Key: m.Key, Expected: s})
			return
		}
		state[c] = m.Value
	}
}

// readAnomalies checks a committed transaction's reads for values it only
// writes later itself (a future read), values a failed transaction wrote
// (G1a) or that another transaction overwrote before it committed (G1b).
func (rr *rwRegister) readAnomalies(i int) {
	for j, m := range rr.txns[i].Mops {
		if m.F != history.MopRead || m.Value == nil {
			continue
		}
		w, ok := rr.written[history.ValueKey(m.Key)][m.Value]
		switch {
		case ok && w.at.txn == i && rr.firstWrite(i, m) > j:
			rr.out = append(rr.out, Anomaly{Type: FutureRead, Txns: []int{i}, Mop: j, Key: m.Key, Element: m.Value})
		case !ok || w.at.txn == i:
		case rr.txns[w.at.txn].Type == history.Fail:
			rr.out = append(rr.out, Anomaly{Type: G1a, Txns: []int{i, w.at.txn}, Mop: j, Key: m.Key, Element: m.Value})
		case !w.final:
			rr.out = append(rr.out, Anomaly{Type: G1b, Txns: []int{i, w.at.txn}, Mop: j, Key: m.Key, Element: m.Value})
		}
	}
}

// firstWrite returns the position of transaction i's first write of m's
// key and value.
func (rr *rwRegister) firstWrite(i int, m history.MicroOp) int {
	for j, w := range rr.txns[i].Mops {
		if w.F == history.MopWrite && history.Equal(w.Key, m.Key) && w.Value == m.Value {
			return j
		}
	}
	return -1
}

// arcs derives the dependencies the history proves: each committed
// external read of a value on that value's writer, and each committed
// external read of nil before every external write of the key.
func (rr *rwRegister) arcs() []arc {
	writers := map[any][]int{} // canonical key → transactions that may have written it
	for i, e := range rr.ext {
		if possible(rr.txns[i]) {
			for c := range e.writes {
				writers[c] = append(writers[c], i)
			}
		}
	}
	var arcs []arc
	for i, e := range rr.ext {
		if rr.txns[i].Type != history.OK {
			continue
		}
		for c, r := range e.reads {
			if r.value == nil {
				for _, w := range writers[c] {
					if w != i {
						arcs = append(arcs, arc{int32(i), int32(w), relRW})
					}
				}
				continue
			}
			if w, ok := rr.written[c][r.value]; ok && w.final && w.at.txn != i && possible(rr.txns[w.at.txn]) {
				arcs = append(arcs, arc{int32(w.at.txn), int32(i), relWR})
			}
		}
	}
	return arcs
}

// justify finds what in the history makes from precede to, looking at
// to's micro-operations in order so that the answer is always the same.
func (rr *rwRegister) justify(from, to int, r Rel) (Step, bool) {
	st := Step{From: from, To: to, Rel: r}
	reader := to
	if r == RW {
		reader = from
	}
	if rr.txns[reader].Type != history.OK {
		return st, false // only committed reads are known
	}
	a, b := rr.ext[from], rr.ext[to]
	for j, m := range rr.txns[to].Mops {
		c := history.ValueKey(m.Key)
		switch {
		case r == WR && m.F == history.MopRead:
			rd, ext := b.reads[c]
			w, ok := a.writes[c]
			if ext && rd.mop == j && ok && m.Value != nil && w.value == m.Value {
				st.Key, st.Value, st.FromMop, st.ToMop = m.Key, m.Value, w.mop, j
				return st, true
			}
		case r == RW && m.F == history.MopWrite:
			w, ext := b.writes[c]
			rd, ok := a.reads[c]
			if ext && w.mop == j && ok && rd.value == nil {
				st.Key, st.Initial, st.Value2, st.FromMop, st.ToMop = m.Key, true, m.Value, rd.mop, j
				return st, true
			}
		}
	}
	return st, false
}
