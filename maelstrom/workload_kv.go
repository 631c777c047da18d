package maelstrom

import (
	"math/rand/v2"
	"strconv"

	"github.com/faultline-lab/faultline/history"
)

// kvWorkload reads, writes and compare-and-sets integer keys, as
// Maelstrom's lin-kv (Jepsen's linearizable register, per key). A few keys
// are in play at a time; a key retires after kvOpsPerKey operations and a
// fresh one takes its place, so that a long run at a high rate stays quick
// to check (the search is per key). Written values are unique per key
// (1, 2, 3, ...), so a stale value in a read names the write it came
// from; a cas expects the value most recently asked for.
type kvWorkload struct {
	active  []int64
	used    map[int64]int
	last    map[int64]int64 // the last value asked for, per key
	nextKey int64
}

const (
	kvActiveKeys = 3
	kvOpsPerKey  = 200
)

func newKVWorkload() *kvWorkload {
	w := &kvWorkload{used: map[int64]int{}, last: map[int64]int64{}}
	for range kvActiveKeys {
		w.active = append(w.active, w.nextKey)
		w.nextKey++
	}
	return w
}

func (w *kvWorkload) next(rng *rand.Rand, nodes int) op {
	slot := rng.IntN(len(w.active))
	key := w.active[slot]
	w.used[key]++
	if w.used[key] >= kvOpsPerKey {
		w.active[slot] = w.nextKey
		w.nextKey++
	}
	o := op{Key: strconv.FormatInt(key, 10), wire: key, Node: rng.IntN(nodes)}
	switch x := rng.IntN(10); {
	case x < 4:
		o.F = "read"
	case x < 7:
		o.F = "write"
		w.last[key]++
		o.Value = w.last[key]
	default:
		from := w.last[key]
		w.last[key]++
		o.F, o.Value = "cas", []any{from, w.last[key]}
	}
	return o
}

// finals read every key in play through every node.
func (w *kvWorkload) finals(nodes int) []op {
	var out []op
	for _, k := range w.active {
		if w.used[k] == 0 {
			continue
		}
		for n := range nodes {
			out = append(out, op{F: "read", Key: strconv.FormatInt(k, 10), wire: k, Node: n})
		}
	}
	return out
}

func (w *kvWorkload) request(o op) map[string]any {
	switch o.F {
	case "read":
		return map[string]any{"type": "read", "key": o.wire}
	case "write":
		return map[string]any{"type": "write", "key": o.wire, "value": o.Value}
	}
	ft := o.Value.([]any)
	return map[string]any{"type": "cas", "key": o.wire, "from": ft[0], "to": ft[1]}
}

func (w *kvWorkload) reply(o op, body map[string]any) (history.Type, any, string) {
	if bad := expect(o, body, o.F); bad != "" {
		return history.Info, nil, bad
	}
	if o.F == "read" {
		v, ok := body["value"]
		if !ok {
			return history.Info, nil, `read_ok without a "value"`
		}
		return history.OK, v, ""
	}
	return history.OK, o.Value, ""
}

// kvError reads lin-kv's definite errors as what they observed: a read
// of a key that does not exist saw nothing written yet (a read of nil,
// which the checker holds to linearizability like any read), and a cas
// refused because the key is missing or holds another value saw that the
// register did not hold its from (the checker's mismatch).
func kvError(o op, body map[string]any) (history.Type, any, string, bool) {
	code, _ := history.Int(body["code"])
	switch {
	case o.F == "read" && code == CodeKeyDoesNotExist:
		return history.OK, nil, "", true
	case o.F == "cas" && (code == CodeKeyDoesNotExist || code == CodePreconditionFailed):
		return history.Fail, o.Value, history.ErrorMismatch, true
	}
	return "", nil, "", false
}
