// Package lessons binds each lesson of the catalogue to its toy database,
// consistency model, workload, cluster, default faults and text.
package lessons

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

// Lesson is one entry of the catalogue (../shared/LESSONS.md).
type Lesson struct {
	Number  int
	ID      string
	Title   string
	Summary string // one line on what it teaches
	Design  toydb.Design
	Model   string // the checker's model
	Init    any    // the model's initial value (nil: nothing written yet)
	Config  sim.Config
	Faults  sim.Schedule
	// Correct names the variants besides "fixed" that must survive every
	// seed (lesson 1's only design, lesson 13's correct Raft). Every other
	// variant is a bug the lesson shows.
	Correct []string
	// Tune, when set, adjusts the configuration for a variant (a client
	// library's policy, say) before options apply.
	Tune func(variant string, cfg *sim.Config)
	// Workload makes a fresh generator for one run.
	Workload func() sim.Generator
	Text     Text
}

// Variants lists the lesson's variants; the first is the default.
func (l *Lesson) Variants() []toydb.Variant { return l.Design.Variants }

// DefaultVariant is the buggy design the lesson is about.
func (l *Lesson) DefaultVariant() string { return l.Design.Variants[0].Name }

// HasFix reports whether the lesson has a variant named fixed.
func (l *Lesson) HasFix() bool {
	for _, v := range l.Design.Variants {
		if v.Name == "fixed" {
			return true
		}
	}
	return false
}

// IsCorrect reports whether a variant is one that must never fail.
func (l *Lesson) IsCorrect(variant string) bool {
	if variant == "" {
		variant = l.DefaultVariant()
	}
	return variant == "fixed" || slices.Contains(l.Correct, variant)
}

// Buggy lists the variants that show a bug, in order.
func (l *Lesson) Buggy() []string {
	var out []string
	for _, v := range l.Design.Variants {
		if !l.IsCorrect(v.Name) {
			out = append(out, v.Name)
		}
	}
	return out
}

var registry = map[string]*Lesson{}

// register adds a lesson; each lesson's file calls it from init.
func register(l *Lesson) {
	if _, dup := registry[l.ID]; dup {
		panic("lessons: duplicate lesson " + l.ID)
	}
	t, ok := texts[l.ID]
	if !ok {
		panic("lessons: no text for lesson " + l.ID)
	}
	l.Text = t
	if l.Title == "" {
		l.Title = t.Title
	}
	if l.Summary == "" {
		l.Summary = t.Summary
	}
	registry[l.ID] = l
}

// All lists the lessons in catalogue order.
func All() []*Lesson {
	out := make([]*Lesson, 0, len(registry))
	for _, l := range registry {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// Get finds a lesson by id (or by number), or says which lessons exist.
func Get(id string) (*Lesson, error) {
	if l, ok := registry[id]; ok {
		return l, nil
	}
	for _, l := range registry {
		if fmt.Sprint(l.Number) == id {
			return l, nil
		}
	}
	ids := make([]string, 0, len(registry))
	for _, l := range All() {
		ids = append(ids, l.ID)
	}
	return nil, fmt.Errorf("unknown lesson %q (lessons: %s)", id, strings.Join(ids, ", "))
}

func (l *Lesson) variantNames() []string {
	out := make([]string, len(l.Design.Variants))
	for i, v := range l.Design.Variants {
		out[i] = v.Name
	}
	return out
}
