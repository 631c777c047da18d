package tui

import (
	"regexp"
	"strings"

	"github.com/faultline-lab/faultline/sim"
)

// A transactional node numbers its transactions itself (txn #4), which
// matches nothing else on the screen: the cycle view and the history name
// a transaction by its process. The message view says "p0's txn" instead,
// the process whose request began it.

var (
	txnNumber = regexp.MustCompile(`txn #([0-9]+)`)
	txnBegins = regexp.MustCompile(`^txn #([0-9]+) begins`)
	// "appends to k2 1" reads as "appends 1 to k2".
	txnStep = regexp.MustCompile(`\b(appends to|writes) (\S+) (.+)$`)
)

// logWords is a node's log line with its transactions named by process.
func (e *explorerModel) logWords(i int) string {
	lc := e.look
	if s, ok := lc.logs[i]; ok {
		return s
	}
	if lc.logs == nil {
		lc.logs = map[int]string{}
	}
	s := e.renameTxns(i)
	lc.logs[i] = s
	return s
}

func (e *explorerModel) renameTxns(i int) string {
	ev := e.look.msgs.tr[i]
	s := txnNumber.ReplaceAllStringFunc(ev.Detail, func(n string) string {
		if p := e.txnOwner(ev.Src, n, i); p != "" {
			return p + "'s txn"
		}
		return n
	})
	return txnStep.ReplaceAllStringFunc(s, func(m string) string {
		g := txnStep.FindStringSubmatch(m)
		return strings.TrimSuffix(g[1], " to") + " " + g[3] + " to " + g[2]
	})
}

// txnOwner is the process whose request began transaction n ("txn #4") at
// node, as of trace position at: the client whose request the node
// received last before the transaction began ("" when not found).
func (e *explorerModel) txnOwner(node, n string, at int) string {
	x := e.look.msgs
	id := strings.TrimPrefix(n, "txn #")
	for j := at; j >= 0 && at-j < traceScan; j-- {
		ev := x.tr[j]
		if ev.Kind != sim.TraceLog || ev.Src != node {
			continue
		}
		if g := txnBegins.FindStringSubmatch(ev.Detail); g == nil || g[1] != id {
			continue
		}
		for k := j - 1; k >= 0 && j-k < traceScan; k-- {
			if d := x.tr[k]; d.Kind == sim.TraceDeliver && d.Dest == node && isClient(d.Src) {
				return e.columnLabel(d.Src, d.Time)
			}
		}
		return ""
	}
	return ""
}
