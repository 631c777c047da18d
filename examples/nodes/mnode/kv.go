package mnode

import (
	"encoding/json"
	"maps"
)

// KV is lin-kv's data: read, write and cas on keys, answered with
// Maelstrom's bodies and error codes (20 no such key, 22 precondition
// failed, 12 malformed, 10 unsupported).
type KV map[string]any

// Apply runs one request against the data; set makes each change (a node
// may do more when a key changes).
func (d KV) Apply(typ string, body json.RawMessage, set func(key string, v any)) map[string]any {
	var q struct {
		Key   json.RawMessage `json:"key"`
		Value any             `json:"value"`
		From  any             `json:"from"`
		To    any             `json:"to"`
	}
	if err := json.Unmarshal(body, &q); err != nil {
		return map[string]any{"type": "error", "code": 12, "text": err.Error()}
	}
	key := string(q.Key)
	cur, exists := d[key]
	switch typ {
	case "read":
		if !exists {
			return map[string]any{"type": "error", "code": 20, "text": "no such key"}
		}
		return map[string]any{"type": "read_ok", "value": cur}
	case "write":
		set(key, q.Value)
		return map[string]any{"type": "write_ok"}
	case "cas":
		if !exists {
			return map[string]any{"type": "error", "code": 20, "text": "no such key"}
		}
		if JSONText(cur) != JSONText(q.From) {
			return map[string]any{"type": "error", "code": 22, "text": "expected " + JSONText(q.From) + ", have " + JSONText(cur)}
		}
		set(key, q.To)
		return map[string]any{"type": "cas_ok"}
	}
	return map[string]any{"type": "error", "code": 10, "text": "unsupported: " + typ}
}

// JSONText is v as JSON: how two values are compared (as cas does).
func JSONText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Answer is a copy of a recorded answer, for a reply that may be changed.
func Answer(m map[string]any) map[string]any { return maps.Clone(m) }
