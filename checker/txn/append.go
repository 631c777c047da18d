package txn

import (
	"fmt"
	"slices"

	"github.com/faultline-lab/faultline/history"
)

// list-append: transactions append unique elements to lists and read whole
// lists. Every read of a key should be a prefix of its longest read, which
// is then the order of the appends it shows (the version order); an
// element never read was appended after all of them. Each append depends
// on the append just before it (ww), each read on the append of its last
// element (wr), and each append on the reads of the state just before it
// (rw).

// mopRef locates a micro-operation: a transaction and its position in it.
type mopRef struct{ txn, mop int }

// initial stands for a key's initial state (the empty list, or nil) where
// an element would otherwise name a state.
type initial struct{}

// appendKey is what the history says of one key.
type appendKey struct {
	key     any
	writer  map[any]mopRef // element → its append
	interim map[any]bool   // elements their transaction appended to again later
	reads   []listRead     // committed reads with elements, in history order
	order   []any          // the version order, as far as it is known
	pos     map[any]int    // element → position in order
	readers map[any][]int  // the state (last element, or initial{}) → committed readers
}

type listRead struct {
	at    mopRef
	elems []any
}

type listAppend struct {
	txns []history.Txn
	keys map[any]*appendKey
	// keyOrder lists keys as first seen, so reports are deterministic.
	keyOrder []*appendKey
	out      []Anomaly
}

func (la *listAppend) key(k any) *appendKey {
	c := history.ValueKey(k)
	if ak, ok := la.keys[c]; ok {
		return ak
	}
	ak := &appendKey{key: k, writer: map[any]mopRef{}, interim: map[any]bool{}, pos: map[any]int{}, readers: map[any][]int{}}
	la.keys[c] = ak
	la.keyOrder = append(la.keyOrder, ak)
	return ak
}

// where names a transaction for error messages: its index field.
func where(t history.Txn) string {
	return fmt.Sprintf("index %d", t.Record().Index)
}

func possible(t history.Txn) bool { return t.Type != history.Fail }

func inferListAppend(txns []history.Txn) (*inference, error) {
	la := &listAppend{txns: txns, keys: map[any]*appendKey{}}
	if err := la.index(); err != nil {
		return nil, err
	}
	for _, k := range la.keyOrder {
		la.versionOrder(k)
	}
	la.readAnomalies()
	for i, t := range txns {
		if t.Type == history.OK {
			la.internal(i)
			la.futureRead(i)
		}
	}
	for _, k := range la.keyOrder {
		la.dirtyUpdate(k)
	}
	la.out = append(la.out, lostUpdates(txns, history.MopAppend)...)
	inf := &inference{arcs: la.arcs(), anomalies: la.out, justify: la.justify, txns: txns}
	return inf, nil
}

// index records every append's writer and every committed read, checking
// that the history is a list-append one with unique appends.
func (la *listAppend) index() error {
	for i, t := range la.txns {
		last := map[*appendKey]any{}
		for j, m := range t.Mops {
			k := la.key(m.Key)
			switch m.F {
			case history.MopAppend:
				if w, dup := k.writer[m.Value]; dup {
					return fmt.Errorf("key %s: %s is appended twice, by the transactions at %s and %s; list-append needs every appended value unique per key", history.Format(m.Key), history.Format(m.Value), where(la.txns[w.txn]), where(t))
				}
				k.writer[m.Value] = mopRef{i, j}
				if e, ok := last[k]; ok {
					k.interim[e] = true
				}
				last[k] = m.Value
			case history.MopRead:
				if t.Type != history.OK {
					continue // the read's result is unknown
				}
				elems, err := readList(m.Value)
				if err != nil {
					return fmt.Errorf("the transaction at %s, micro-operation %d: %w", where(t), j, err)
				}
				if len(elems) == 0 {
					k.readers[initial{}] = appendOnce(k.readers[initial{}], i)
					continue
				}
				k.reads = append(k.reads, listRead{mopRef{i, j}, elems})
				e := elems[len(elems)-1]
				k.readers[e] = appendOnce(k.readers[e], i)
			default:
				return fmt.Errorf("the transaction at %s, micro-operation %d: [%s ...] is not list-append's (append or r); is this an rw-register history?", where(t), j, m.F)
			}
		}
	}
	return nil
}

func appendOnce(s []int, i int) []int {
	if len(s) > 0 && s[len(s)-1] == i {
		return s
	}
	return append(s, i)
}

// readList reads a committed list-append read: nil (the empty list) or a
// list of numbers or strings.
func readList(v any) ([]any, error) {
	if v == nil {
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("a list-append read returns a list; got %s", history.Format(v))
	}
	for _, e := range l {
		if _, isList := e.([]any); isList || e == nil {
			return nil, fmt.Errorf("a list element must be a number or string; got %s", history.Format(e))
		}
		if _, isMap := e.(map[string]any); isMap {
			return nil, fmt.Errorf("a list element must be a number or string; got %s", history.Format(e))
		}
	}
	return l, nil
}

// versionOrder takes the longest read as the order of k's appends, after
// checking that every read is a prefix of the next longer one (reporting
// the first pair that is not). A key never read with a single append has
// that append as its order.
func (la *listAppend) versionOrder(k *appendKey) {
	reads := slices.Clone(k.reads)
	slices.SortStableFunc(reads, func(a, b listRead) int { return len(a.elems) - len(b.elems) })
	for i := 1; i < len(reads); i++ {
		if a, b := reads[i-1].elems, reads[i].elems; !isPrefix(a, b) {
			la.out = append(la.out, Anomaly{Type: IncompatibleOrd, Key: k.key, Txns: []int{reads[i-1].at.txn, reads[i].at.txn},
				Mop: reads[i-1].at.mop, Values: []any{a, b}})
			break
		}
	}
	switch {
	case len(reads) > 0:
		for _, e := range reads[len(reads)-1].elems {
			if _, dup := k.pos[e]; !dup {
				k.pos[e] = len(k.order)
				k.order = append(k.order, e)
			}
		}
	default:
		var only []any
		for e, w := range k.writer {
			if possible(la.txns[w.txn]) {
				only = append(only, e)
			}
		}
		if len(only) == 1 {
			k.order, k.pos[only[0]] = only, 0
		}
	}
}

func isPrefix(a, b []any) bool {
	if len(a) > len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// prev returns the state just before e was appended: the element before it
// in the version order (or, if it was never read, the last element read),
// or initial{} when there is none.
func (k *appendKey) prev(e any) any {
	p, ok := k.pos[e]
	switch {
	case ok && p > 0:
		return k.order[p-1]
	case ok, len(k.order) == 0:
		return initial{}
	}
	return k.order[len(k.order)-1]
}

// readAnomalies checks each committed read: duplicate elements, elements
// no transaction appended (garbage), elements a failed transaction
// appended (G1a), and a last element its writer appended to again (G1b).
func (la *listAppend) readAnomalies() {
	for i, t := range la.txns {
		if t.Type != history.OK {
			continue
		}
		for j, m := range t.Mops {
			if m.F != history.MopRead {
				continue
			}
			elems, _ := readList(m.Value)
			k := la.keys[history.ValueKey(m.Key)]
			for n, e := range elems {
				w, ok := k.writer[e]
				switch {
				case !ok:
					la.out = append(la.out, Anomaly{Type: GarbageRead, Txns: []int{i}, Mop: j, Key: m.Key, Element: e})
				case la.txns[w.txn].Type == history.Fail:
					la.out = append(la.out, Anomaly{Type: G1a, Txns: []int{i, w.txn}, Mop: j, Key: m.Key, Element: e})
				case n == len(elems)-1 && k.interim[e] && w.txn != i:
					la.out = append(la.out, Anomaly{Type: G1b, Txns: []int{i, w.txn}, Mop: j, Key: m.Key, Element: e})
				}
			}
			if dups := k.duplicates(elems); dups != nil {
				la.out = append(la.out, Anomaly{Type: DuplicateElems, Txns: []int{i}, Mop: j, Key: m.Key, Duplicates: dups})
			}
		}
	}
}

// duplicates counts the elements a read of k holds more than once (nil:
// none). A read that is a prefix of the version order, as most are, has
// none.
func (k *appendKey) duplicates(elems []any) map[string]int {
	if len(elems) <= len(k.order) && isPrefix(elems, k.order) {
		return nil
	}
	seen := make(map[any]int, len(elems))
	var dups map[string]int
	for _, e := range elems {
		seen[e]++
		if seen[e] > 1 {
			if dups == nil {
				dups = map[string]int{}
			}
			dups[history.Format(e)] = seen[e]
		}
	}
	return dups
}

// internal checks that a committed transaction's reads agree with its own
// earlier reads and appends: after reading [1 2] and appending 3, x reads
// [1 2 3]; after appending 3 alone, x reads [... 3].
func (la *listAppend) internal(i int) {
	type expect struct {
		elems  []any
		suffix bool // the elements before these are unknown
	}
	state := map[any]*expect{}
	for j, m := range la.txns[i].Mops {
		c := history.ValueKey(m.Key)
		s := state[c]
		if m.F == history.MopAppend {
			if s == nil {
				s = &expect{suffix: true}
				state[c] = s
			}
			s.elems = append(s.elems, m.Value)
			continue
		}
		v, _ := readList(m.Value)
		if s != nil {
			bad := !s.suffix && !slices.Equal(s.elems, v) ||
				s.suffix && (len(v) < len(s.elems) || !slices.Equal(v[len(v)-len(s.elems):], s.elems))
			if bad {
				la.out = append(la.out, Anomaly{Type: Internal, Txns: []int{i}, Mop: j, Key: m.Key, Expected: slices.Clone(s.elems), ExpectSuffix: s.suffix})
				return
			}
		}
		state[c] = &expect{elems: slices.Clone(v)}
	}
}

// futureRead finds a committed transaction that read an element it only
// appended later.
func (la *listAppend) futureRead(i int) {
	mops := la.txns[i].Mops
	for j, m := range mops {
		if m.F != history.MopAppend {
			continue
		}
		for r, read := range mops[:j] {
			if read.F != history.MopRead || !history.Equal(read.Key, m.Key) {
				continue
			}
			if elems, _ := readList(read.Value); slices.Contains(elems, m.Value) {
				la.out = append(la.out, Anomaly{Type: FutureRead, Txns: []int{i}, Mop: r, Key: m.Key, Element: m.Value})
				return
			}
		}
	}
}

// dirtyUpdate walks k's version order looking for a committed append
// right after failed ones (with only info appends between): the committed
// transaction built on state that was rolled back.
func (la *listAppend) dirtyUpdate(k *appendKey) {
	last := -1 // the transaction of the last decisive version; -1: the initial state
	var versions []any
	typeOf := func(i int) history.Type {
		if i < 0 {
			return history.OK
		}
		return la.txns[i].Type
	}
	for _, e := range k.order {
		w, ok := k.writer[e]
		if !ok {
			continue
		}
		from, to := typeOf(last), la.txns[w.txn].Type
		switch {
		case to == history.Info || from == history.Fail && to == history.Fail:
			versions = append(versions, e)
		case from == history.Fail && to == history.OK:
			la.out = append(la.out, Anomaly{Type: DirtyUpdate, Key: k.key, Txns: []int{last, w.txn}, Mop: -1, Values: append(versions, e)})
			last, versions = w.txn, []any{e}
		default:
			last, versions = w.txn, []any{e}
		}
	}
}

// arcs derives the data dependencies among the transactions that may have
// happened.
func (la *listAppend) arcs() []arc {
	var arcs []arc
	add := func(from, to int, r rel) {
		if from != to && possible(la.txns[from]) {
			arcs = append(arcs, arc{int32(from), int32(to), r})
		}
	}
	for i, t := range la.txns {
		if !possible(t) {
			continue
		}
		for _, m := range t.Mops {
			k := la.keys[history.ValueKey(m.Key)]
			if m.F == history.MopAppend {
				p := k.prev(m.Value)
				if w, ok := k.writer[p]; ok {
					add(w.txn, i, relWW)
				}
				for _, r := range k.readers[p] {
					add(r, i, relRW)
				}
				continue
			}
			if elems, _ := readList(m.Value); t.Type == history.OK && len(elems) > 0 {
				if w, ok := k.writer[elems[len(elems)-1]]; ok {
					add(w.txn, i, relWR)
				}
			}
		}
	}
	return arcs
}

// justify finds what in the history makes from precede to.
func (la *listAppend) justify(from, to int, r Rel) (Step, bool) {
	st := Step{From: from, To: to, Rel: r}
	for j, m := range la.txns[to].Mops {
		k := la.keys[history.ValueKey(m.Key)]
		switch {
		case m.F == history.MopAppend && r == WW:
			p := k.prev(m.Value)
			if w, ok := k.writer[p]; ok && w.txn == from {
				st.Key, st.Value, st.Value2, st.FromMop, st.ToMop = m.Key, p, m.Value, w.mop, j
				return st, true
			}
		case m.F == history.MopAppend && r == RW:
			p := k.prev(m.Value)
			if at, ok := la.readOf(from, k, p); ok {
				_, st.Initial = p.(initial)
				if !st.Initial {
					st.Value = p
				}
				st.Key, st.Value2, st.FromMop, st.ToMop = m.Key, m.Value, at, j
				return st, true
			}
		case m.F == history.MopRead && r == WR && la.txns[to].Type == history.OK:
			elems, _ := readList(m.Value)
			if len(elems) == 0 {
				continue
			}
			if w, ok := k.writer[elems[len(elems)-1]]; ok && w.txn == from {
				st.Key, st.Value, st.FromMop, st.ToMop = m.Key, elems[len(elems)-1], w.mop, j
				return st, true
			}
		}
	}
	return st, false
}

// readOf finds a committed read by transaction i of key k that saw the
// state p (ending in element p, or initial).
func (la *listAppend) readOf(i int, k *appendKey, p any) (int, bool) {
	t := la.txns[i]
	if t.Type != history.OK {
		return 0, false
	}
	for j, m := range t.Mops {
		if m.F != history.MopRead || la.keys[history.ValueKey(m.Key)] != k {
			continue
		}
		elems, _ := readList(m.Value)
		if _, init := p.(initial); init && len(elems) == 0 || len(elems) > 0 && elems[len(elems)-1] == p {
			return j, true
		}
	}
	return 0, false
}
