// Package lessons binds each lesson of the catalogue to its toy database,
// consistency model, workload, cluster, default faults and text.
package lessons

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/faultline-lab/faultline/checker"
	"github.com/faultline-lab/faultline/sim"
	"github.com/faultline-lab/faultline/toydb"
)

// Lesson is one entry of the catalogue (docs/LESSONS.md).
type Lesson struct {
	Number  int
	ID      string
	Title   string
	Summary string // one line on what it teaches
	Design  toydb.Design
	Model   checker.Model // the checker's model (a transactional lesson's: its workload, see txn.go)
	Init    any           // the model's initial value (nil: nothing written yet)
	// Consistency is, for a transactional lesson (Model list-append or
	// rw-register), the consistency model its database claims and its
	// histories are checked against (see txn.go).
	Consistency string
	Config      sim.Config
	Faults      sim.Schedule
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
		if v.Name == toydb.Fixed {
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
	return variant == toydb.Fixed || slices.Contains(l.Correct, variant)
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

// registered are the lessons every lesson's file registers from init.
var registered []*Lesson

// catalogue is made from them the first time it is asked for: checking
// them reads every lesson's text, which a command that needs no lesson
// (check, --help) should not pay for at start-up.
var catalogue = sync.OnceValue(func() *registry {
	r := newRegistry()
	for _, l := range registered {
		r.add(l)
	}
	return r
})

// register adds a lesson to the catalogue; each lesson's file calls it
// from init. A lesson registered wrong is left out and reported by
// Problems (and by Get, asked for it), never a panic at start-up.
func register(l *Lesson) { registered = append(registered, l) }

// registry is a catalogue of lessons and what was wrong with those left out.
type registry struct {
	byID     map[string]*Lesson
	problems []error
	broken   map[string]error // id → why it was left out
}

func newRegistry() *registry {
	return &registry{byID: map[string]*Lesson{}, broken: map[string]error{}}
}

func (r *registry) add(l *Lesson) {
	if err := r.check(l); err != nil {
		err = fmt.Errorf("lesson %q (number %d) is registered wrong: %w", l.ID, l.Number, err)
		r.problems = append(r.problems, err)
		if l.ID != "" && r.byID[l.ID] == nil {
			r.broken[l.ID] = err
		}
		return
	}
	t := texts()[l.ID]
	l.Text = t.withTolerances(l.Design.Variants, l.IsCorrect)
	if l.Title == "" {
		l.Title = t.Title
	}
	if l.Summary == "" {
		l.Summary = t.Summary
	}
	r.byID[l.ID] = l
}

// check says what is wrong with a lesson before it joins the catalogue.
func (r *registry) check(l *Lesson) error {
	switch {
	case l.ID == "" || strings.ContainsAny(l.ID, " \t/") || strings.ToLower(l.ID) != l.ID:
		return fmt.Errorf("id must be a lower-case slug")
	case r.byID[l.ID] != nil:
		return fmt.Errorf("duplicate id: %s is already registered", l.ID)
	case l.Number < 1:
		return fmt.Errorf("number must be 1 or more")
	case l.Workload == nil:
		return fmt.Errorf("no workload")
	case !knownModel(string(l.Model)) && !l.Transactional():
		return fmt.Errorf("unknown model %q (models: %s)", l.Model, strings.Join(modelNames(), ", "))
	}
	if err := l.checkConsistency(); err != nil {
		return err
	}
	for _, other := range r.byID {
		if other.Number == l.Number {
			return fmt.Errorf("duplicate number: %s has number %d", other.ID, l.Number)
		}
	}
	if _, ok := texts()[l.ID]; !ok {
		return fmt.Errorf("no text: lessons/text has no file whose id is %s", l.ID)
	}
	if err := checkDesign(l); err != nil {
		return err
	}
	if err := l.Config.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := l.Faults.Validate(sim.NodeNames(l.Config.Nodes)); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	return nil
}

// checkDesign checks a lesson's toy database: named variants, each with a
// node factory, and correct variants that exist.
func checkDesign(l *Lesson) (err error) {
	d := l.Design
	if len(d.Variants) == 0 || d.New == nil {
		return fmt.Errorf("design %q: no variants or no way to build its nodes", d.Name)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("design %q: building a variant's nodes panicked: %v", d.Name, p)
		}
	}()
	seen := map[string]bool{}
	for _, v := range d.Variants {
		if v.Name == "" || seen[v.Name] {
			return fmt.Errorf("design %q: variant names must be present and distinct (%q)", d.Name, v.Name)
		}
		seen[v.Name] = true
		if f := d.New(v.Name); f == nil {
			return fmt.Errorf("design %q: variant %s has no node factory", d.Name, v.Name)
		}
	}
	for _, c := range l.Correct {
		if !seen[c] {
			return fmt.Errorf("correct variant %q is not a variant of %s", c, d.Name)
		}
	}
	return nil
}

func knownModel(name string) bool {
	return slices.Contains(modelNames(), name)
}

func modelNames() []string {
	var out []string
	for _, m := range checker.Models() {
		out = append(out, string(m))
	}
	return out
}

// Problems lists the lessons registered wrong, which All and Get leave out
// (empty when the catalogue is whole; a test holds it so).
func Problems() []error { return catalogue().problems }

// All lists the lessons in catalogue order.
func All() []*Lesson { return catalogue().all() }

func (r *registry) all() []*Lesson {
	out := make([]*Lesson, 0, len(r.byID))
	for _, l := range r.byID {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// Get finds a lesson by id (or by number), or says which lessons exist, or
// why the one asked for was left out.
func Get(id string) (*Lesson, error) { return catalogue().get(id) }

func (r *registry) get(id string) (*Lesson, error) {
	if l, ok := r.byID[id]; ok {
		return l, nil
	}
	if err, ok := r.broken[id]; ok {
		return nil, err
	}
	for _, l := range r.byID {
		if fmt.Sprint(l.Number) == id {
			return l, nil
		}
	}
	ids := make([]string, 0, len(r.byID))
	for _, l := range r.all() {
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
