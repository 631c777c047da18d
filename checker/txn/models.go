package txn

import (
	"fmt"
	"slices"
	"strings"
)

// Anomaly types, by Elle's names. The cycle classes follow Adya's
// definitions restricted to item (not predicate) dependencies, which is all
// list-append and rw-register transactions have: G-single-item is Adya's
// G-single, G2-item his G2 without predicates. A -process suffix means the
// cycle needs the order in which one process ran its transactions, a
// -realtime suffix that it needs real time (one transaction completed
// before another began).
const (
	G0               = "G0"
	G1a              = "G1a"
	G1b              = "G1b"
	G1c              = "G1c"
	GSingle          = "G-single-item"
	GNonadjacent     = "G-nonadjacent-item"
	G2Item           = "G2-item"
	Internal         = "internal"
	FutureRead       = "future-read"
	DirtyUpdate      = "dirty-update"
	DuplicateElems   = "duplicate-elements"
	IncompatibleOrd  = "incompatible-order"
	LostUpdate       = "lost-update"
	GarbageRead      = "garbage-read"
	EmptyGraph       = "empty-transaction-graph"
	CycleSearchLimit = "cycle-search-timeout"
)

// The consistency models a history is checked against.
const (
	ReadUncommitted        = "read-uncommitted"
	ReadCommitted          = "read-committed"
	RepeatableRead         = "repeatable-read"
	SnapshotIsolation      = "snapshot-isolation"
	Serializable           = "serializable"
	StrongSessionSI        = "strong-session-snapshot-isolation"
	StrongSessionSerial    = "strong-session-serializable"
	StrongSI               = "strong-snapshot-isolation"
	StrictSerializable     = "strict-serializable"
	DefaultConsistencyName = StrictSerializable
)

// implies relates an anomaly to the anomalies its presence implies. A G0
// cycle is also a G1c cycle (Adya: G1c generalises G0); an anomaly without
// process or real-time edges also counts as its -process variant, and a
// -process one as -realtime (a process runs one transaction at a time, so
// its order is real-time order). G1 is G1a, G1b or G1c; G-single,
// G-nonadjacent and G2 are the predicate-inclusive classes the -item ones
// belong to. incompatible-order and dirty-update are dirty reads (G1a),
// future-read is a cycle of one (G1c), lost-update a G2-item.
var implies = map[string][]string{
	G0:                         {G1c, G0 + "-process"},
	G0 + "-process":            {G1c + "-process", G0 + "-realtime"},
	G0 + "-realtime":           {G1c + "-realtime"},
	G1a:                        {"G1"},
	G1b:                        {"G1"},
	G1c:                        {"G1", G1c + "-process"},
	G1c + "-process":           {G1c + "-realtime", "G1-process"},
	G1c + "-realtime":          {"G1-realtime"},
	"G1":                       {"G1-process"},
	"G1-process":               {"G1-realtime"},
	GSingle:                    {"G-single", GSingle + "-process", GNonadjacent},
	GSingle + "-process":       {"G-single-process", GSingle + "-realtime", GNonadjacent + "-process"},
	GSingle + "-realtime":      {"G-single-realtime", GNonadjacent + "-realtime"},
	"G-single":                 {"G-nonadjacent", "G-single-process"},
	"G-single-process":         {"G-nonadjacent-process", "G-single-realtime"},
	"G-single-realtime":        {"G-nonadjacent-realtime"},
	GNonadjacent:               {"G-nonadjacent", G2Item, GNonadjacent + "-process"},
	GNonadjacent + "-process":  {"G-nonadjacent-process", G2Item + "-process", GNonadjacent + "-realtime"},
	GNonadjacent + "-realtime": {"G-nonadjacent-realtime", G2Item + "-realtime"},
	"G-nonadjacent":            {"G2", "G-nonadjacent-process"},
	"G-nonadjacent-process":    {"G2-process", "G-nonadjacent-realtime"},
	"G-nonadjacent-realtime":   {"G2-realtime"},
	G2Item:                     {"G2", G2Item + "-process"},
	G2Item + "-process":        {"G2-process", G2Item + "-realtime"},
	G2Item + "-realtime":       {"G2-realtime"},
	"G2":                       {"G2-process"},
	"G2-process":               {"G2-realtime"},
	IncompatibleOrd:            {G1a},
	DirtyUpdate:                {G1a},
	FutureRead:                 {G1c},
	LostUpdate:                 {G2Item},
}

// model is a consistency model: the anomalies it forbids outright, and the
// weaker models it implies (and so whose anomalies it forbids too).
type model struct {
	name    string
	about   string
	forbids []string
	weaker  []string
}

// models, weakest first. Sources: Adya's thesis (PL-1 … PL-3, PL-SI, PL-SS),
// Bailis et al. for lost update, Cerone et al. for internal consistency,
// Daudjee & Salem for the session and strong variants; Elle's choices where
// the literature leaves room (snapshot isolation forbids G-nonadjacent, not
// only G-single).
var models = []model{
	{ReadUncommitted, "no write cycles (Adya's PL-1)", []string{G0, DuplicateElems, GarbageRead}, nil},
	{ReadCommitted, "no dirty reads and no circular information flow (PL-2)", []string{"G1"}, []string{ReadUncommitted}},
	{RepeatableRead, "no anti-dependency cycles on items (PL-2.99)", []string{"G1", G2Item, LostUpdate}, []string{ReadCommitted}},
	{SnapshotIsolation, "every transaction reads one snapshot, and concurrent writers of a key cannot both commit (PL-SI)", []string{Internal, "G1", "G-single", "G-nonadjacent", LostUpdate}, []string{ReadCommitted}},
	{Serializable, "some serial order of the committed transactions explains every read (PL-3)", []string{Internal, "G1", "G2"}, []string{RepeatableRead, SnapshotIsolation}},
	{StrongSessionSI, "snapshot isolation, and each process sees its own earlier transactions", []string{Internal, "G1-process", G0 + "-process", "G-nonadjacent-process"}, []string{SnapshotIsolation}},
	{StrongSessionSerial, "serializable, in an order that keeps each process's own order", []string{"G1-process", "G2-process"}, []string{Serializable, StrongSessionSI}},
	{StrongSI, "snapshot isolation whose snapshots include every transaction that completed before", []string{Internal, "G1-realtime", G0 + "-realtime", "G-nonadjacent-realtime"}, []string{StrongSessionSI}},
	{StrictSerializable, "serializable, in an order that keeps real time (PL-SS)", []string{"G1", G1c + "-realtime", "G2-realtime"}, []string{Serializable, StrongSI, StrongSessionSerial}},
}

// Models lists the consistency models by name, weakest first.
func Models() []string {
	out := make([]string, len(models))
	for i, m := range models {
		out[i] = m.name
	}
	return out
}

// ModelAbout says in a line what a model promises.
func ModelAbout(name string) string {
	if m := lookupModel(name); m != nil {
		return m.about
	}
	return ""
}

// aliases are other names for the models (Elle's).
var aliases = map[string]string{
	"strong-serializable": StrictSerializable,
	"strict-1sr":          StrictSerializable,
	"PL-1":                ReadUncommitted,
	"PL-2":                ReadCommitted,
	"PL-2.99":             RepeatableRead,
	"PL-SI":               SnapshotIsolation,
	"PL-3":                Serializable,
	"PL-SS":               StrictSerializable,
}

// CanonicalModel returns a model's name, following aliases; an error names
// the models known.
func CanonicalModel(name string) (string, error) {
	if name == "" {
		return DefaultConsistencyName, nil
	}
	if a, ok := aliases[name]; ok {
		name = a
	}
	if lookupModel(name) == nil {
		return "", fmt.Errorf("unknown consistency model %q (models: %s)", name, strings.Join(Models(), ", "))
	}
	return name, nil
}

func lookupModel(name string) *model {
	for i := range models {
		if models[i].name == name {
			return &models[i]
		}
	}
	return nil
}

// closure returns everything reachable from start through next, start
// included.
func closure(start []string, next func(string) []string) map[string]bool {
	seen := map[string]bool{}
	stack := slices.Clone(start)
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[x] {
			continue
		}
		seen[x] = true
		stack = append(stack, next(x)...)
	}
	return seen
}

// impliedBy returns the anomalies the given ones imply, themselves included.
func impliedBy(types ...string) map[string]bool {
	return closure(types, func(a string) []string { return implies[a] })
}

// weakerModels returns the models name implies, itself included.
func weakerModels(name string) map[string]bool {
	return closure([]string{name}, func(m string) []string { return lookupModel(m).weaker })
}

// forbiddenBy returns the anomaly types a model forbids, directly or
// through the models it implies (before implication among anomalies).
func forbiddenBy(name string) map[string]bool {
	out := map[string]bool{}
	for m := range weakerModels(name) {
		for _, a := range lookupModel(m).forbids {
			out[a] = true
		}
	}
	return out
}

// Forbids reports whether the model forbids anomaly type a: whether a, or
// an anomaly a implies, is one the model rules out.
func Forbids(modelName, a string) bool {
	if f, ok := forbidTable[modelName][a]; ok {
		return f
	}
	return forbids(modelName, a)
}

// forbidTable holds Forbids for every model and reportable anomaly type.
var forbidTable = func() map[string]map[string]bool {
	t := map[string]map[string]bool{}
	for _, m := range models {
		t[m.name] = map[string]bool{}
		for _, a := range severity {
			t[m.name][a] = forbids(m.name, a)
		}
	}
	return t
}()

func forbids(modelName, a string) bool {
	f := forbiddenBy(modelName)
	for x := range impliedBy(a) {
		if f[x] {
			return true
		}
	}
	return false
}

// violated returns the models, weakest first, that the anomaly types rule
// out.
func violated(types []string) []string {
	var out []string
	for _, m := range models {
		for _, a := range types {
			if Forbids(m.name, a) {
				out = append(out, m.name)
				break
			}
		}
	}
	return out
}

// weakest keeps the models of set that no other model of set is weaker
// than: the boundary Elle calls :not.
func weakest(set []string) []string {
	return extremes(set, func(m, o string) bool { return weakerModels(m)[o] })
}

// strongest keeps the models of set that no other model of set implies.
func strongest(set []string) []string {
	return extremes(set, func(m, o string) bool { return weakerModels(o)[m] })
}

// extremes keeps the models m of set for which beyond(m, o) holds of no
// other model o of set.
func extremes(set []string, beyond func(m, o string) bool) []string {
	var out []string
	for _, m := range set {
		if !slices.ContainsFunc(set, func(o string) bool { return o != m && beyond(m, o) }) {
			out = append(out, m)
		}
	}
	return out
}

// needsOrders says which orders Elle would infer to check a model: real
// time if the model forbids a -realtime anomaly, else process order if it
// forbids a -process one.
func needsOrders(modelName string) (process, realtime bool) {
	for a := range forbiddenBy(modelName) {
		switch {
		case strings.HasSuffix(a, "-realtime"):
			realtime = true
		case strings.HasSuffix(a, "-process"):
			process = true
		}
	}
	if realtime {
		return false, true
	}
	return process, false
}

// severity orders anomaly types for reports: plain data anomalies first,
// then those needing process order, then real time, then the notes that
// make a verdict unknown.
var severity = []string{
	G0, G1a, G1b, G1c, DirtyUpdate, IncompatibleOrd, DuplicateElems, GarbageRead,
	FutureRead, Internal, LostUpdate, GSingle, GNonadjacent, G2Item,
	G0 + "-process", G1c + "-process", GSingle + "-process", GNonadjacent + "-process", G2Item + "-process",
	G0 + "-realtime", G1c + "-realtime", GSingle + "-realtime", GNonadjacent + "-realtime", G2Item + "-realtime",
	CycleSearchLimit, EmptyGraph,
}

func severityOf(a string) int {
	if i := slices.Index(severity, a); i >= 0 {
		return i
	}
	return len(severity)
}

// AnomalyTypes lists every anomaly type the checker can report, in the
// order reports use.
func AnomalyTypes() []string { return slices.Clone(severity) }
