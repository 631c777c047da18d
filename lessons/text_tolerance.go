package lessons

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

// A text says which faults a variant tolerates by quoting the variant's
// declaration (toydb.Variant.Tolerates), never by copying it: a body line
// "{{tolerates VARIANT}}" becomes Tolerance's paragraph when the lesson
// is registered, and every correct variant's held text ends with it. The
// torture test holds each correct variant to the same declaration.
var tolerancePlaceholder = regexp.MustCompile(`\{\{tolerates ([a-z0-9-]+)\}\}`)

// faultFamily is a group of nemeses a learner reads as one kind of fault.
type faultFamily struct {
	all   string                 // the whole family, in words
	kinds []sim.Nemesis          // its members, in the order they are named
	each  map[sim.Nemesis]string // a member alone, in words
}

var faultFamilies = []faultFamily{
	{"partitions of every shape", sim.NetworkNemeses[:5], map[sim.Nemesis]string{
		sim.NemesisPartition: "random halves", sim.NemesisPartitionOne: "one node cut off",
		sim.NemesisPartitionLeader: "the leader cut off", sim.NemesisPartitionRing: "a ring of majorities",
		sim.NemesisPartitionBridge: "a bridge"}},
	{"lost, duplicated and delayed (so reordered) messages",
		[]sim.Nemesis{sim.NemesisLoss, sim.NemesisDuplicate, sim.NemesisDelay}, map[sim.Nemesis]string{
			sim.NemesisLoss: "lost messages", sim.NemesisDuplicate: "duplicated messages",
			sim.NemesisDelay: "delayed (so reordered) messages"}},
	{"crashes and restarts, and pauses, of any node or the leader", sim.ProcessNemeses, map[sim.Nemesis]string{
		sim.NemesisCrash: "crashes and restarts", sim.NemesisCrashLeader: "the leader crashed and restarted",
		sim.NemesisPause: "pauses", sim.NemesisPauseLeader: "the leader paused"}},
	{"clock jumps and strobing clocks", sim.ClockNemeses, map[sim.Nemesis]string{
		sim.NemesisClock: "clock jumps", sim.NemesisClockStrobe: "strobing clocks"}},
}

// faultWords names a set of nemeses in words, family by family, with the
// names --nemesis takes after them unless short.
func faultWords(ks []sim.Nemesis, short bool) string {
	var parts []string
	for _, f := range faultFamilies {
		var in []sim.Nemesis
		for _, k := range f.kinds {
			if slices.Contains(ks, k) {
				in = append(in, k)
			}
		}
		if len(in) == 0 {
			continue
		}
		names := make([]string, len(in))
		for i, k := range in {
			names[i] = "`" + string(k) + "`"
		}
		if len(in) == len(f.kinds) {
			parts = append(parts, f.all+cond(short, "", " ("+strings.Join(names, ", ")+")"))
			continue
		}
		for i, k := range in {
			parts = append(parts, f.each[k]+cond(short, "", " ("+names[i]+")"))
		}
	}
	return joinAnd(parts)
}

func cond(c bool, yes, no string) string {
	if c {
		return yes
	}
	return no
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], "; ") + "; and " + parts[len(parts)-1]
}

// Tolerance says, from a variant's declaration, which of the simulator's
// faults it stays correct under — all at once, overlapping — and which it
// does not; "" for a variant that declares none.
func Tolerance(v toydb.Variant) string {
	if len(v.Tolerates) == 0 {
		return ""
	}
	missing := untolerated(v)
	s := fmt.Sprintf("**What `%s` tolerates**, as its code declares it: %s — all of them at once, overlapping.",
		v.Name, faultWords(v.Tolerates, false))
	switch {
	case len(missing) == 0:
		s += " That is every fault faultline injects. What faultline cannot inject, it does not claim to survive:" +
			" a disk that loses or corrupts what it synced, a node that lies, or a change of the cluster's members."
	case slices.Equal(missing, sim.ClockNemeses):
		s += " **It does not tolerate** " + faultWords(missing, false) + ": it is correct only while every clock tells the truth."
	default:
		s += " **It does not tolerate** " + faultWords(missing, false) + "."
	}
	return s
}

// ToleranceBrief is Tolerance in one plain sentence, for beside a verdict.
func ToleranceBrief(v toydb.Variant) string {
	if len(v.Tolerates) == 0 {
		return ""
	}
	s := "Its code declares that it tolerates " + faultWords(v.Tolerates, true) + ", all at once"
	if missing := untolerated(v); len(missing) > 0 {
		return s + "; not " + faultWords(missing, true) + "."
	}
	return s + ": every fault faultline injects."
}

// untolerated are the simulator's faults a variant does not declare.
func untolerated(v toydb.Variant) []sim.Nemesis {
	var out []sim.Nemesis
	for _, k := range sim.AllNemeses() {
		if !slices.Contains(v.Tolerates, k) {
			out = append(out, k)
		}
	}
	return out
}

// withTolerances expands the body's "{{tolerates VARIANT}}" lines and ends
// each correct variant's held text with what it tolerates. A placeholder
// that names no variant, or one that declares nothing, stays as it is (a
// test finds it).
func (t Text) withTolerances(vs []toydb.Variant, correct func(string) bool) Text {
	byName := map[string]toydb.Variant{}
	for _, v := range vs {
		byName[v.Name] = v
	}
	t.Body = tolerancePlaceholder.ReplaceAllStringFunc(t.Body, func(m string) string {
		if s := Tolerance(byName[tolerancePlaceholder.FindStringSubmatch(m)[1]]); s != "" {
			return s
		}
		return m
	})
	t.Variants = maps.Clone(t.Variants)
	for _, v := range vs {
		vt, ok := t.Variants[v.Name]
		if s := ToleranceBrief(v); ok && s != "" && correct(v.Name) {
			vt.Held = strings.TrimSpace(vt.Held) + " " + s
			t.Variants[v.Name] = vt
		}
	}
	return t
}
