package txn

import (
	"cmp"
	"slices"

	"github.com/faultline-lab/faultline/history"
)

// processOrder relates each committed transaction to the next one its
// process committed: a process runs one transaction at a time.
func processOrder(txns []history.Txn) []arc {
	var oks []int
	for i, t := range txns {
		if t.Type == history.OK {
			oks = append(oks, i)
		}
	}
	slices.SortFunc(oks, func(a, b int) int { return cmp.Compare(txns[a].CompleteAt, txns[b].CompleteAt) })
	last := map[history.Process]int{}
	var arcs []arc
	for _, i := range oks {
		p := txns[i].Process
		if j, ok := last[p]; ok {
			arcs = append(arcs, arc{int32(j), int32(i), relProcess})
		}
		last[p] = i
	}
	return arcs
}

// realtimeOrder relates a committed transaction to each transaction that
// began after it completed. Only a transitive reduction is kept: walking
// the history, the committed transactions not yet known to precede another
// committed one are linked to each new invocation; when a transaction
// commits, those linked to it are implied through it and dropped. Failed
// transactions did not happen and get no arcs; info transactions may have
// happened after any time past their invocation, so they get arcs in only.
func realtimeOrder(h history.History, txns []history.Txn) []arc {
	at := make([]int, len(h)) // record position → transaction + 1
	for i, t := range txns {
		if t.InvokeAt >= 0 {
			at[t.InvokeAt] = i + 1
		}
		if t.CompleteAt >= 0 {
			at[t.CompleteAt] = i + 1
		}
	}
	preds := map[int][]int32{}
	var frontier []int32
	var arcs []arc
	for pos, id := range at {
		if id == 0 {
			continue
		}
		i := id - 1
		t := txns[i]
		switch {
		case pos == t.InvokeAt && t.Type != history.Fail:
			for _, j := range frontier {
				arcs = append(arcs, arc{j, int32(i), relRealtime})
			}
			if t.Type == history.OK {
				preds[i] = slices.Clone(frontier)
			}
		case pos == t.CompleteAt && t.Type == history.OK:
			implied := preds[i]
			delete(preds, i)
			frontier = slices.DeleteFunc(frontier, func(j int32) bool { return slices.Contains(implied, j) })
			frontier = append(frontier, int32(i))
		}
	}
	return arcs
}
