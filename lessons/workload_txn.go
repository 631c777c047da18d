package lessons

import (
	"fmt"
	"math/rand/v2"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/sim"
)

// txnWorkload generates Jepsen's transactional workloads: each operation is
// a transaction of a few micro-operations over a few keys.
//
//   - list-append (lists): reads ([r k]) and appends of a unique element
//     ([append k v]); every read returns a whole list, so it shows the
//     order of the appends before it.
//   - rw-register (registers): units of reads ([r k]), writes of a unique
//     value ([w k v]) and read-then-write pairs of one key, the
//     read-modify-write an application does to update a record; a
//     transaction's units touch distinct keys, so that reading a key twice
//     (which read committed allows to disagree) is not what a run shows.
//
// Each key's values are 1, 2, 3, ..., so every value names the one
// micro-operation that wrote it. As in Jepsen, only a few keys are in use
// at once, and a key that has had its writes is retired for a fresh one,
// which keeps lists short and makes transactions meet on the same keys.
type txnWorkload struct {
	lists        bool
	activeKeys   int     // keys in use at once
	writesPerKey int     // writes a key gets before it is retired
	maxLen       int     // steps a transaction has, at most: micro-operations, or (registers) units
	readFraction float64 // of steps
	rmwFraction  float64 // registers: of units, read-then-write pairs

	active  []int       // the keys in use, by number
	written map[int]int // writes issued so far, per key
	nextKey int
}

func newListAppend() *txnWorkload {
	return &txnWorkload{lists: true, activeKeys: 3, writesPerKey: 8, maxLen: 4, readFraction: 0.5}
}

func newRWRegister() *txnWorkload {
	return &txnWorkload{activeKeys: 3, writesPerKey: 8, maxLen: 2, readFraction: 0.3, rmwFraction: 0.5}
}

func txnKey(n int) string { return fmt.Sprintf("k%d", n) }

// fill brings the active keys up to their number.
func (w *txnWorkload) fill() {
	if w.written == nil {
		w.written = map[int]int{}
	}
	for len(w.active) < w.activeKeys {
		w.nextKey++
		w.active = append(w.active, w.nextKey)
	}
}

// write issues the next value of a key, retiring the key after its last.
func (w *txnWorkload) write(i int) (string, int64) {
	k := w.active[i]
	w.written[k]++
	v := int64(w.written[k])
	if w.written[k] >= w.writesPerKey {
		w.nextKey++
		w.active[i] = w.nextKey
	}
	return txnKey(k), v
}

func (w *txnWorkload) Next(rng *rand.Rand, _ int64) sim.Request {
	w.fill()
	n := 1 + rng.IntN(w.maxLen)
	var mops []any
	if w.lists {
		for range n {
			i := rng.IntN(len(w.active))
			if rng.Float64() < w.readFraction {
				mops = append(mops, []any{history.MopRead, txnKey(w.active[i]), nil})
				continue
			}
			k, v := w.write(i)
			mops = append(mops, []any{history.MopAppend, k, v})
		}
		return sim.Request{F: "txn", Value: mops}
	}
	for _, i := range rng.Perm(len(w.active))[:min(n, len(w.active))] {
		x := rng.Float64()
		read := []any{history.MopRead, txnKey(w.active[i]), nil}
		switch {
		case x < w.readFraction:
			mops = append(mops, read)
		case x < w.readFraction+w.rmwFraction:
			k, v := w.write(i)
			mops = append(mops, read, []any{history.MopWrite, k, v})
		default:
			k, v := w.write(i)
			mops = append(mops, []any{history.MopWrite, k, v})
		}
	}
	return sim.Request{F: "txn", Value: mops}
}

// Final reads every key in use, once the faults are healed.
func (w *txnWorkload) Final() []sim.Request {
	w.fill()
	var mops []any
	for _, k := range w.active {
		mops = append(mops, []any{history.MopRead, txnKey(k), nil})
	}
	return []sim.Request{{F: "txn", Value: mops}}
}
