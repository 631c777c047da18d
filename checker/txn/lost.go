package txn

import "github.com/faultline-lab/faultline/history"

// lostUpdates finds committed transactions that read the same state of a
// key and then wrote that key (write is the workload's write function):
// whichever committed second overwrote a state the other had already
// moved on from, so one of the two updates is lost (Adya's H_lu; Bailis et
// al.). It needs no version order, so it is found even where the graph
// lacks the edges for the G2-item cycle it implies.
func lostUpdates(txns []history.Txn, write string) []Anomaly {
	type group struct {
		key, value any
		txns       []int
	}
	groups := map[string]*group{}
	var order []*group
	for i, t := range txns {
		if t.Type != history.OK {
			continue
		}
		read := map[any]any{}
		readSeen, wrote := map[any]bool{}, map[any]bool{}
		for _, m := range t.Mops {
			c := history.ValueKey(m.Key)
			switch {
			case m.F == history.MopRead && !wrote[c] && !readSeen[c]:
				readSeen[c], read[c] = true, m.Value
			case m.F == write && readSeen[c] && !wrote[c]:
				v := read[c]
				if write == history.MopAppend && v == nil {
					v = []any{} // nil and [] are both the empty list
				}
				id := history.Format(m.Key) + "\x00" + history.Format(v)
				g := groups[id]
				if g == nil {
					g = &group{key: m.Key, value: v}
					groups[id] = g
					order = append(order, g)
				}
				g.txns = append(g.txns, i)
			}
			if m.F == write {
				wrote[c] = true
			}
		}
	}
	var out []Anomaly
	for _, g := range order {
		if len(g.txns) > 1 {
			out = append(out, Anomaly{Type: LostUpdate, Key: g.key, Value: g.value, Txns: g.txns, Mop: -1})
		}
	}
	return out
}
