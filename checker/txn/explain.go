package txn

import (
	"fmt"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// plainNames are the anomalies' names in words.
var plainNames = map[string]string{
	G0:               "write cycle",
	G1a:              "aborted read",
	G1b:              "intermediate read",
	G1c:              "circular information flow",
	GSingle:          "read skew",
	GNonadjacent:     "non-adjacent anti-dependency cycle",
	G2Item:           "anti-dependency cycle",
	Internal:         "internal inconsistency",
	FutureRead:       "future read",
	DirtyUpdate:      "dirty update",
	DuplicateElems:   "duplicate elements",
	IncompatibleOrd:  "incompatible orders",
	LostUpdate:       "lost update",
	GarbageRead:      "garbage read",
	EmptyGraph:       "no dependencies",
	CycleSearchLimit: "cycle search gave up",
}

// PlainName names an anomaly type in words: "read skew", "lost update", ...
// A cycle that needs process order or real time says so.
func PlainName(a string) string {
	base, suffix := splitVariant(a)
	name, ok := plainNames[base]
	if !ok {
		return a
	}
	switch suffix {
	case "-process":
		return name + " (with process order)"
	case "-realtime":
		return name + " (with real-time order)"
	}
	return name
}

// PlainNameOf names one anomaly in words: a two-transaction G2-item is
// write skew.
func PlainNameOf(a Anomaly) string {
	if base, _ := splitVariant(a.Type); base == G2Item && len(a.Txns) == 2 {
		return strings.Replace(PlainName(a.Type), plainNames[G2Item], "write skew", 1)
	}
	return PlainName(a.Type)
}

func splitVariant(a string) (string, string) {
	for _, s := range []string{"-process", "-realtime"} {
		if strings.HasSuffix(a, s) {
			return strings.TrimSuffix(a, s), s
		}
	}
	return a, ""
}

// explain says an anomaly in words, naming its transactions T1, T2, ... in
// the order of a.Txns, and fills in its steps' texts.
func explain(a *Anomaly, txns []history.Txn, workload string) string {
	name := func(i int) string { return fmt.Sprintf("T%d", i+1) }
	var b strings.Builder
	if len(a.Txns) > 0 && a.Txns[0] >= 0 {
		b.WriteString(letClause(a.Txns, txns))
		b.WriteString(" ")
	}
	if len(a.Steps) > 0 {
		for i := range a.Steps {
			st := &a.Steps[i]
			st.Text = stepText(*st, workload == ListAppend, name(i), name((i+1)%len(a.Steps)))
			fmt.Fprintf(&b, "%s precedes %s: %s. ", name(i), name((i+1)%len(a.Steps)), st.Text)
		}
		b.WriteString("So each must come before itself: no serial order of these transactions explains the history. ")
		b.WriteString(cycleMeaning(*a))
	} else {
		b.WriteString(directMeaning(*a, txns))
	}
	if ms := forbiddenClause(a.Type); ms != "" {
		b.WriteString(", " + ms)
	}
	b.WriteString(".")
	return b.String()
}

// letClause introduces the transactions, each by its process and its
// records in the history: "T1 is process 0's transaction [records 4 and
// 9]: append x 1, r y [1]. T2 is ...".
func letClause(ids []int, txns []history.Txn) string {
	var parts []string
	for i, id := range ids {
		parts = append(parts, fmt.Sprintf("T%d is %s.", i+1, Intro(txns[id])))
	}
	return strings.Join(parts, " ")
}

// Intro names a transaction by its process and records, with what it did:
// "process 3's transaction [records 10 and 14]: r k1 [], append k2 4".
func Intro(t history.Txn) string {
	var recs string
	switch {
	case t.Invocation != nil && t.Completion != nil:
		recs = fmt.Sprintf("[records %d and %d]", t.Invocation.Index, t.Completion.Index)
	case t.Invocation != nil:
		recs = fmt.Sprintf("[record %d, no completion]", t.Invocation.Index)
	default:
		recs = fmt.Sprintf("[record %d]", t.Record().Index)
	}
	kind := ""
	switch t.Type {
	case history.Fail:
		kind = ", which failed"
	case history.Info:
		kind = ", whose outcome is unknown"
	}
	return fmt.Sprintf("process %v's transaction %s%s: %s", t.Process, recs, kind, mopsText(t))
}

// mopsText renders a transaction's micro-operations: "append x 1, r y [1 2]".
func mopsText(t history.Txn) string {
	var parts []string
	for _, m := range t.Mops {
		s := m.F + " " + keyText(m.Key)
		if m.F != history.MopRead || t.Type == history.OK {
			s += " " + history.Format(m.Value)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// keyText renders a key; a string key goes unquoted.
func keyText(k any) string {
	if s, ok := k.(string); ok {
		return s
	}
	return history.Format(k)
}

func joinWords(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// stepText says why a precedes b, in one clause; lists says the workload
// is list-append.
func stepText(st Step, lists bool, a, b string) string {
	k, v, v2 := keyText(st.Key), history.Format(st.Value), history.Format(st.Value2)
	switch st.Rel {
	case WW:
		return fmt.Sprintf("%s appended %s to %s right after %s appended %s", b, v2, k, a, v)
	case WR:
		if lists {
			return fmt.Sprintf("%s saw %s's append of %s to %s", b, a, v, k)
		}
		return fmt.Sprintf("%s read %s = %s, which %s wrote", b, k, v, a)
	case RW:
		switch {
		case st.Initial && lists:
			return fmt.Sprintf("%s read %s empty, before %s's append of %s", a, k, b, v2)
		case st.Initial:
			return fmt.Sprintf("%s read %s = nil (never written), before %s wrote %s", a, k, b, v2)
		}
		return fmt.Sprintf("%s read %s up to %s, without %s's append of %s that came next", a, k, v, b, v2)
	case Process:
		return fmt.Sprintf("process %v ran %s, then %s", st.Process, a, b)
	case Realtime:
		return fmt.Sprintf("%s completed before %s began", a, b)
	}
	return string(st.Rel)
}

// cycleMeaning says what kind of cycle it is.
func cycleMeaning(a Anomaly) string {
	base, suffix := splitVariant(a.Type)
	var s string
	switch base {
	case G0:
		s = "Their writes were applied in opposite orders: a write cycle (G0)"
	case G1c:
		s = "Each saw the effects of another that saw its own: circular information flow (G1c)"
	case GSingle:
		s = "Exactly one step is a missed write, so one transaction saw a state the others prove was already gone: read skew (G-single-item)"
	case GNonadjacent:
		s = "The missed writes never come two in a row: a non-adjacent anti-dependency cycle (G-nonadjacent-item)"
	case G2Item:
		if len(a.Txns) == 2 {
			s = "Each missed the other's write: write skew (G2-item)"
		} else {
			s = "Transactions missed each other's writes: an anti-dependency cycle (G2-item)"
		}
	}
	switch suffix {
	case "-process":
		s += ", closed by the order in which a process ran its own transactions (" + a.Type + ")"
	case "-realtime":
		s += ", closed by real time: a transaction missed one that had already completed (" + a.Type + ")"
	}
	return s
}

// directMeaning says an anomaly found without a cycle in words.
func directMeaning(a Anomaly, txns []history.Txn) string {
	k := keyText(a.Key)
	e := history.Format(a.Element)
	switch a.Type {
	case G1a:
		return fmt.Sprintf("T1 read %s and saw %s, which T2 wrote but T2 failed: an aborted read (G1a)", k, e)
	case G1b:
		return fmt.Sprintf("T1 read %s at %s, a state T2 went on to change before it committed: an intermediate read (G1b)", k, e)
	case Internal:
		want := history.Format(a.Expected)
		if a.ExpectSuffix {
			want = "a list ending " + want
		}
		return fmt.Sprintf("T1 read %s as %s where its own earlier reads and writes say %s: internal inconsistency", k, mopValue(a, txns), want)
	case FutureRead:
		return fmt.Sprintf("T1 read %s in %s before it appended %s itself: a future read", e, k, e)
	case DuplicateElems:
		return fmt.Sprintf("T1 read %s = %s, with an element more than once, though each is appended once: duplicate elements", k, mopValue(a, txns))
	case IncompatibleOrd:
		return fmt.Sprintf("T1 read %s = %s and T2 read %s = %s; neither is a prefix of the other, so no one order of appends explains both: incompatible orders", k, history.Format(a.Values[0]), k, history.Format(a.Values[1]))
	case DirtyUpdate:
		return fmt.Sprintf("%s went through %s: T2 committed on top of T1's append, and T1 failed: a dirty update", k, history.Format(a.Values))
	case LostUpdate:
		var ts []string
		for i := range a.Txns {
			ts = append(ts, fmt.Sprintf("T%d", i+1))
		}
		all := "all"
		if len(ts) == 2 {
			all = "both"
		}
		return fmt.Sprintf("%s %s read %s = %s and then wrote %s, so all but one of their updates is lost: a lost update", joinWords(ts), all, k, history.Format(a.Value), k)
	case GarbageRead:
		return fmt.Sprintf("T1 read %s in %s, which no transaction appended: a garbage read", e, k)
	case EmptyGraph:
		return "No dependency between any two transactions could be inferred, so the history proves nothing either way (Elle calls this an empty transaction graph)"
	case CycleSearchLimit:
		return fmt.Sprintf("The search for a %s cycle among %d transactions ran out of budget; one may exist", a.Class, a.Size)
	}
	return a.Type
}

// mopValue renders the value of the anomaly's micro-operation.
func mopValue(a Anomaly, txns []history.Txn) string {
	if a.Mop < 0 || len(a.Txns) == 0 {
		return "?"
	}
	return history.Format(txns[a.Txns[0]].Mops[a.Mop].Value)
}

// forbiddenClause says which models forbid an anomaly type.
func forbiddenClause(a string) string {
	if a == EmptyGraph || a == CycleSearchLimit {
		return ""
	}
	var by []string
	for _, m := range models {
		if Forbids(m.name, a) {
			by = append(by, m.name)
		}
	}
	if len(by) == 0 {
		return "which no model here forbids"
	}
	var words []string
	for _, m := range weakest(by) {
		words = append(words, modelWords(m))
	}
	s := "which " + joinWords(words) + " forbid"
	if len(words) == 1 {
		s += "s"
	}
	s += ", as does every stronger model"
	if Forbids(Serializable, a) && !Forbids(SnapshotIsolation, a) {
		s += "; snapshot isolation allows it"
	}
	if Forbids(StrictSerializable, a) && !Forbids(Serializable, a) {
		s += "; serializability alone allows it"
	}
	return s
}

// modelWords renders a model's name in words: "repeatable read".
func modelWords(m string) string { return strings.ReplaceAll(m, "-", " ") }

// summarize writes a result's paragraph.
func summarize(res Result) string {
	model := modelWords(res.Consistency)
	switch res.Verdict {
	case Invalid:
		for _, a := range res.Anomalies {
			if Forbids(res.Consistency, a.Type) {
				return fmt.Sprintf("Not %s: %s %s", model, PlainNameOf(a), "("+a.Type+"). "+a.Explanation)
			}
		}
	case Unknown:
		for _, a := range res.Anomalies {
			if a.Type == EmptyGraph || a.Type == CycleSearchLimit && Forbids(res.Consistency, a.Class) {
				return "Unknown: " + a.Explanation
			}
		}
	}
	s := fmt.Sprintf("No anomaly that %s forbids among %d transactions (%d dependencies inferred).", model, len(res.Txns), res.Dependencies)
	if len(res.Types) > 0 {
		var shown []string
		for _, t := range res.Types {
			shown = append(shown, fmt.Sprintf("%s (%s)", PlainName(t), t))
		}
		s += fmt.Sprintf(" The history does show %s, which %s allows.", joinWords(shown), model)
	}
	return s
}
