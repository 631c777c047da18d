package maelstrom

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
)

// Services are the nodes Maelstrom provides beside the learner's: at
// node ids lin-kv (a linearizable key-value store), seq-kv (sequentially
// consistent: reads may be stale), lww-kv (last write wins: writes may be
// lost) and lin-tso (a timestamp oracle). They live inside faultline and
// answer at once; faults never reach them (as in Maelstrom).
var Services = []string{"lin-kv", "seq-kv", "lww-kv", "lin-tso"}

// service answers one request body from a node with a reply body.
type service interface {
	handle(src string, req map[string]any) map[string]any
}

func newServices(rng *rand.Rand) map[string]service {
	split := func() *rand.Rand { return rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())) }
	return map[string]service{
		"lin-kv":  &linKV{},
		"seq-kv":  newSeqKV(split()),
		"lww-kv":  newLWWKV(lwwReplicas, split()),
		"lin-tso": &tso{},
	}
}

// kvKey is a key as a map key: its JSON (keys may be any JSON value).
func kvKey(k any) string {
	b, _ := json.Marshal(k)
	return string(b)
}

func sameValue(a, b any) bool { return kvKey(a) == kvKey(b) }

// kvState is one state of a key-value store: key → value.
type kvState map[string]any

// change is what a request does to a store: set key to value.
type change struct {
	key   string
	value any
}

// apply runs one request on a state without changing it. It returns the
// reply and, when the request changes the state, the change (nil when a
// read, a failed cas, or a write of the value already there).
func (s kvState) apply(req map[string]any) (map[string]any, *change) {
	typ, _ := req["type"].(string)
	rawKey, hasKey := req["key"]
	if !hasKey && (typ == "read" || typ == "write" || typ == "cas") {
		return errorBody(0, CodeMalformedRequest, typ+" needs a key"), nil
	}
	k := kvKey(rawKey)
	cur, exists := s[k]
	switch typ {
	case "read":
		if !exists {
			return errorBody(0, CodeKeyDoesNotExist, "key does not exist"), nil
		}
		return map[string]any{"type": "read_ok", "value": cur}, nil
	case "write":
		v := req["value"]
		if exists && sameValue(cur, v) {
			return map[string]any{"type": "write_ok"}, nil
		}
		return map[string]any{"type": "write_ok"}, &change{k, v}
	case "cas":
		from, to := req["from"], req["to"]
		create, _ := req["create_if_not_exists"].(bool)
		switch {
		case !exists && !create:
			return errorBody(0, CodeKeyDoesNotExist, "key does not exist"), nil
		case exists && !sameValue(cur, from):
			return errorBody(0, CodePreconditionFailed, fmt.Sprintf("current value %s is not %s", kvKey(cur), kvKey(from))), nil
		case exists && sameValue(cur, to):
			return map[string]any{"type": "cas_ok"}, nil
		}
		return map[string]any{"type": "cas_ok"}, &change{k, to}
	}
	return errorBody(0, CodeNotSupported, fmt.Sprintf("the service does not support %q (it takes read, write and cas)", typ)), nil
}

// with is a copy of s with a change made: seq-kv keeps past states.
func (s kvState) with(c *change) kvState {
	out := make(kvState, len(s)+1)
	for key, val := range s {
		out[key] = val
	}
	out[c.key] = c.value
	return out
}

// linKV is linearizable: one state, every request applied to it in turn.
type linKV struct {
	mu    sync.Mutex
	state kvState
}

func (l *linKV) handle(_ string, req map[string]any) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.state == nil {
		l.state = kvState{}
	}
	res, c := l.state.apply(req)
	if c != nil {
		l.state[c.key] = c.value // one state, changed in place
	}
	return res
}

// seqKVHistory is how many past states seq-kv keeps (Maelstrom's 32).
const seqKVHistory = 32

// seqKV is sequentially consistent, as Maelstrom's: every operation takes
// effect in one total order, and each client (a node) observes it
// monotonically, but may observe the past. A request is tried on a random
// state between the last one its client saw and the newest; if it would
// not change that state (a read, a failed cas, a write of the value
// already there) it is answered from there, stale; otherwise it is applied
// to the newest state, making a new one.
type seqKV struct {
	mu     sync.Mutex
	rng    *rand.Rand
	states []kvState // the newest last
	first  int64     // the index of states[0]
	seen   map[string]int64
}

func newSeqKV(rng *rand.Rand) *seqKV {
	return &seqKV{rng: rng, states: []kvState{{}}, seen: map[string]int64{}}
}

func (q *seqKV) handle(src string, req map[string]any) map[string]any {
	q.mu.Lock()
	defer q.mu.Unlock()
	last := q.first + int64(len(q.states)) - 1
	lo := max(q.seen[src], q.first)
	i := lo + q.rng.Int64N(last-lo+1)
	res, c := q.states[i-q.first].apply(req)
	if c == nil {
		q.seen[src] = i
		return res
	}
	newest := q.states[len(q.states)-1]
	res, c = newest.apply(req)
	if c != nil {
		q.states = append(q.states, newest.with(c))
		if len(q.states) > seqKVHistory {
			q.states = q.states[1:]
			q.first++
		}
	}
	q.seen[src] = q.first + int64(len(q.states)) - 1
	return res
}

// lwwReplicas is how many independent replicas lww-kv simulates (the
// number Maelstrom's documentation gives).
const lwwReplicas = 5

// lwwKV is last-write-wins, as Maelstrom's: independent replicas, each
// with a Lamport clock, each request served by a random replica, and
// before each request one random replica merges another's values in,
// keeping for each key the higher timestamp. Reads are stale, and of two
// writes the one with the lower timestamp is lost, even if it came later.
type lwwKV struct {
	mu       sync.Mutex
	rng      *rand.Rand
	replicas []lwwReplica
}

type lwwReplica struct {
	clock  int64
	values map[string]lwwValue
}

type lwwValue struct {
	ts    int64
	value any
}

func newLWWKV(n int, rng *rand.Rand) *lwwKV {
	l := &lwwKV{rng: rng, replicas: make([]lwwReplica, n)}
	for i := range l.replicas {
		l.replicas[i].values = map[string]lwwValue{}
	}
	return l
}

func (l *lwwKV) handle(_ string, req map[string]any) map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.replicas)
	l.merge(l.rng.IntN(n), l.rng.IntN(n))
	r := &l.replicas[l.rng.IntN(n)]
	state := make(kvState, len(r.values))
	for k, v := range r.values {
		state[k] = v.value
	}
	res, c := state.apply(req)
	if c != nil {
		r.values[c.key] = lwwValue{ts: r.clock, value: c.value}
		r.clock++
	}
	return res
}

// merge folds replica src's values into dst: the higher timestamp wins,
// and on a tie dst keeps its own.
func (l *lwwKV) merge(src, dst int) {
	if src == dst {
		return
	}
	s, d := &l.replicas[src], &l.replicas[dst]
	d.clock = max(d.clock, s.clock)
	for k, v := range s.values {
		if mine, ok := d.values[k]; !ok || v.ts > mine.ts {
			d.values[k] = v
		}
	}
}

// tso hands out 0, 1, 2, ...: a linearizable timestamp oracle.
type tso struct {
	mu   sync.Mutex
	next int64
}

func (t *tso) handle(_ string, req map[string]any) map[string]any {
	if typ, _ := req["type"].(string); typ != "ts" {
		return errorBody(0, CodeNotSupported, fmt.Sprintf("lin-tso does not support %q (it takes ts)", typ))
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next++
	return map[string]any{"type": "ts_ok", "ts": t.next - 1}
}

// serviceReply builds the reply a service sends back to a node.
func serviceReply(svc service, m *Message) ([]byte, error) {
	req, err := DecodeBody(m.BodyJSON())
	var res map[string]any
	if err != nil {
		res = errorBody(0, CodeMalformedRequest, "cannot read the body: "+err.Error())
	} else {
		res = svc.handle(m.Src, req)
	}
	if m.Head.MsgID != 0 {
		res["in_reply_to"] = m.Head.MsgID
	} else {
		delete(res, "in_reply_to")
	}
	return Encode(m.Dest, m.Src, res)
}
