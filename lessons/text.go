package lessons

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Text is a lesson's text: front matter and a Markdown body (FORMAT.md).
type Text struct {
	ID      string `yaml:"id"`
	Number  int    `yaml:"number"`
	Title   string `yaml:"title"`
	Summary string `yaml:"summary"`
	// Narrates lists the runs the body retells, seed and variant; the
	// first is the one the workbench opens on. Empty when the body tells
	// no particular run.
	Narrates []Narration `yaml:"narrates"`
	// AfterFirstRun names the "## " sections that stay hidden until the
	// learner's first run of the lesson: they answer the prediction.
	AfterFirstRun []string `yaml:"after_first_run"`
	// Predict is the question asked before the first run.
	Predict Question   `yaml:"predict"`
	Quiz    []Question `yaml:"quiz"`
	// Variants says, per variant, what a verdict means for that design:
	// why it held under a pass, what broke under a failure.
	Variants map[string]VariantText `yaml:"variants"`
	Body     string                 `yaml:"-"` // Markdown
}

// Narration is one run a text retells.
type Narration struct {
	Seed    uint64 `yaml:"seed"`
	Variant string `yaml:"variant"`
}

// VariantText is what to say beside a verdict on one variant. It holds for
// any seed: the facts of the run (values, nodes, times) come from the run.
type VariantText struct {
	Held  string `yaml:"held"`  // under a pass: why the design held, or why this run did not show its bug
	Broke string `yaml:"broke"` // under a failure: what went wrong in this design
}

// Question is a multiple-choice prompt with its answer and the reason. In
// the front matter, choices is a block list (one "- " line per choice, so
// a comma never splits one) and answer is the text of the right choice;
// Answer is its index.
type Question struct {
	Q       string
	Choices []string
	Answer  int
	Why     string
}

// Right is the text of the right choice.
func (q Question) Right() string {
	if q.Answer < 0 || q.Answer >= len(q.Choices) {
		return ""
	}
	return q.Choices[q.Answer]
}

// Section is one "## " section of a text's body.
type Section struct {
	Title string
	Body  string // Markdown, without the heading
	// AfterFirstRun: hidden until the learner's first run.
	AfterFirstRun bool
}

// hiddenNote stands in for the sections a text keeps for after the first
// run.
const hiddenNote = "*%s: after your first run (press `r`).*"

//go:embed text/*.md
var textFS embed.FS

// texts are the lessons' texts, read when the catalogue is first made.
var texts = sync.OnceValue(mustLoadTexts)

func mustLoadTexts() map[string]Text {
	out, err := loadTexts(textFS)
	if err != nil {
		panic(err) // embedded at build time: a test catches it first
	}
	return out
}

func loadTexts(fsys fs.FS) (map[string]Text, error) {
	names, err := fs.Glob(fsys, "text/*.md")
	if err != nil {
		return nil, err
	}
	out := map[string]Text{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		t, err := ParseText(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[t.ID] = t
	}
	return out, nil
}

// ParseText splits a lesson file into its YAML front matter and Markdown
// body, and checks the front matter: every question's answer names exactly
// one of its choices, every section named in after_first_run exists.
// Errors give the file's line where one is known.
func ParseText(b []byte) (Text, error) {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(b, []byte("---\n")) {
		return Text{}, fmt.Errorf("line 1: want front matter starting with ---")
	}
	rest := b[4:]
	end := bytes.Index(rest, []byte("\n---\n"))
	if end < 0 {
		if !bytes.HasSuffix(rest, []byte("\n---")) {
			return Text{}, fmt.Errorf("front matter has no closing ---")
		}
		end = len(rest) - 4
	}
	var t Text
	dec := yaml.NewDecoder(bytes.NewReader(rest[:end]))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil && !errors.Is(err, io.EOF) { // io.EOF: empty front matter
		var qe questionError
		if errors.As(err, &qe) {
			return Text{}, fmt.Errorf("front matter: %w", err)
		}
		return Text{}, fmt.Errorf("front matter: %s", yamlLine.ReplaceAllStringFunc(err.Error(), toFileLine))
	}
	if body := end + 5; body < len(rest) {
		t.Body = strings.TrimSpace(string(rest[body:]))
	}
	switch {
	case t.ID == "":
		return Text{}, fmt.Errorf("front matter: field \"id\" is missing")
	case t.Title == "":
		return Text{}, fmt.Errorf("front matter: field \"title\" is missing")
	}
	for i, n := range t.Narrates {
		if n.Seed == 0 || n.Variant == "" {
			return Text{}, fmt.Errorf("front matter: narrates[%d] needs a seed (1 or more) and a variant", i)
		}
	}
	heads := map[string]bool{}
	for _, s := range t.Sections() {
		heads[strings.ToLower(s.Title)] = true
	}
	for _, name := range t.AfterFirstRun {
		if !heads[strings.ToLower(name)] {
			return Text{}, fmt.Errorf("front matter: after_first_run names %q, but the body has no \"## %s\" section", name, name)
		}
	}
	for _, v := range slices.Sorted(maps.Keys(t.Variants)) {
		if vt := t.Variants[v]; strings.TrimSpace(vt.Held) == "" && strings.TrimSpace(vt.Broke) == "" {
			return Text{}, fmt.Errorf("front matter: variants.%s says nothing (give held, broke or both)", v)
		}
	}
	return t, nil
}

// UnmarshalYAML reads a question, keeping the choices whole and the answer
// as text: a flow list ("[a, b]") would split a choice at every comma, and
// an index would silently point at the wrong choice when one splits.
func (q *Question) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return qerr("line %d: a question is a mapping with q, choices, answer and why", fileLine(n))
	}
	var answer *yaml.Node
	var choices *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "q", "why":
			if v.Kind != yaml.ScalarNode {
				return qerr("line %d: %s must be text", fileLine(v), k.Value)
			}
			if k.Value == "q" {
				q.Q = v.Value
			} else {
				q.Why = v.Value
			}
		case "choices":
			choices = v
		case "answer":
			answer = v
		default:
			return qerr("line %d: unknown field %q in a question (want q, choices, answer, why)", fileLine(k), k.Value)
		}
	}
	if q.Q == "" {
		return qerr("line %d: the question has no q", fileLine(n))
	}
	if choices == nil || choices.Kind != yaml.SequenceNode {
		return qerr("line %d: question %q needs choices, as a list", fileLine(n), q.Q)
	}
	if choices.Style&yaml.FlowStyle != 0 {
		return qerr("line %d: question %q: write choices as a block list, one \"- \" line each; a flow list [a, b] splits a choice at every comma", fileLine(choices), q.Q)
	}
	q.Choices = nil
	for _, c := range choices.Content {
		if c.Kind != yaml.ScalarNode || c.Value == "" {
			return qerr("line %d: question %q: a choice must be plain text (quote it if it holds \": \" or starts with a symbol)", fileLine(c), q.Q)
		}
		q.Choices = append(q.Choices, c.Value)
	}
	if len(q.Choices) < 2 {
		return qerr("line %d: question %q needs two or more choices", fileLine(choices), q.Q)
	}
	if answer == nil {
		return qerr("line %d: question %q has no answer (the text of the right choice)", fileLine(n), q.Q)
	}
	if answer.Kind != yaml.ScalarNode || answer.Tag != "!!str" {
		return qerr("line %d: question %q: answer must be the text of the right choice, quoted if it looks like a number (%q is not text)", fileLine(answer), q.Q, answer.Value)
	}
	q.Answer = -1
	for i, c := range q.Choices {
		if c != answer.Value {
			continue
		}
		if q.Answer >= 0 {
			return qerr("line %d: question %q: the answer %q is ambiguous: choices %d and %d both say it", fileLine(answer), q.Q, answer.Value, q.Answer+1, i+1)
		}
		q.Answer = i
	}
	if q.Answer < 0 {
		return qerr("line %d: question %q: the answer %q is none of the choices", fileLine(answer), q.Q, answer.Value)
	}
	return nil
}

// questionError is a question's error, already in the file's lines.
type questionError struct{ msg string }

func (e questionError) Error() string { return e.msg }

func qerr(format string, args ...any) error {
	return questionError{fmt.Sprintf(format, args...)}
}

// yamlLine finds the YAML decoder's line numbers, which count from the
// first line after the opening ---.
var yamlLine = regexp.MustCompile(`line \d+`)

func toFileLine(m string) string {
	n, _ := strconv.Atoi(strings.TrimPrefix(m, "line "))
	return fmt.Sprintf("line %d", n+1)
}

// fileLine turns a front-matter line into the file's: the opening ---
// is line 1.
func fileLine(n *yaml.Node) int { return n.Line + 1 }

// Sections splits the body at its "## " headings; text before the first
// heading is a section with no title.
func (t Text) Sections() []Section {
	hidden := map[string]bool{}
	for _, s := range t.AfterFirstRun {
		hidden[strings.ToLower(s)] = true
	}
	var out []Section
	var cur *Section
	var lines []string
	flush := func() {
		if cur != nil {
			cur.Body = strings.TrimSpace(strings.Join(lines, "\n"))
			if cur.Title != "" || cur.Body != "" {
				out = append(out, *cur)
			}
		}
		lines = nil
	}
	cur = &Section{}
	for _, l := range strings.Split(t.Body, "\n") {
		if strings.HasPrefix(l, "## ") {
			flush()
			title := strings.TrimSpace(l[3:])
			cur = &Section{Title: title, AfterFirstRun: hidden[strings.ToLower(title)]}
			continue
		}
		lines = append(lines, l)
	}
	flush()
	return out
}

// Section returns the body of the Markdown section whose "## " heading
// starts with title, without the heading; "" when there is none.
func (t Text) Section(title string) string {
	for _, s := range t.Sections() {
		if s.Title != "" && strings.HasPrefix(strings.ToLower(s.Title), strings.ToLower(title)) {
			return s.Body
		}
	}
	return ""
}

// Before is the Markdown a learner may read before the first run: every
// section not kept for after it.
func (t Text) Before() string { return t.join(func(s Section) bool { return !s.AfterFirstRun }) }

// After is the Markdown the first run reveals: the sections kept for
// after it, in body order.
func (t Text) After() string { return t.join(func(s Section) bool { return s.AfterFirstRun }) }

// Shown is the Markdown to show: the whole body once the learner has run
// the lesson, and before that the body with each hidden section replaced
// by a line that says when it opens.
func (t Text) Shown(ranOnce bool) string {
	if ranOnce {
		return t.Body
	}
	var parts []string
	for _, s := range t.Sections() {
		switch {
		case s.AfterFirstRun:
			parts = append(parts, "## "+s.Title+"\n\n"+fmt.Sprintf(hiddenNote, s.Title))
		case s.Title == "":
			parts = append(parts, s.Body)
		default:
			parts = append(parts, "## "+s.Title+"\n\n"+s.Body)
		}
	}
	return strings.Join(parts, "\n\n")
}

func (t Text) join(keep func(Section) bool) string {
	var parts []string
	for _, s := range t.Sections() {
		if !keep(s) {
			continue
		}
		if s.Title == "" {
			parts = append(parts, s.Body)
			continue
		}
		parts = append(parts, "## "+s.Title+"\n\n"+s.Body)
	}
	return strings.Join(parts, "\n\n")
}

// Opening is the run the workbench opens the lesson on: the first one the
// text narrates.
func (t Text) Opening() (Narration, bool) {
	if len(t.Narrates) == 0 {
		return Narration{}, false
	}
	return t.Narrates[0], true
}

// Outcome is what the text says beside a verdict on a variant: held under a
// pass, broke under a failure; "" when the text says nothing for it.
func (t Text) Outcome(variant string, held bool) string {
	vt := t.Variants[variant]
	if held {
		return vt.Held
	}
	return vt.Broke
}

// brokeUnexpectedly is said under a failure of a variant that must never
// fail, when its text says nothing more.
const brokeUnexpectedly = "This variant is built to stay linearizable under the faults its lesson declares. " +
	"Look at the faults in force during the witness: if you added one that the design does not claim to tolerate, " +
	"that is the explanation; if not, you have found a bug in faultline — export the run with `e` and report it."

// VerdictText is what to say beside a verdict on a variant ("" for the
// default): the text's own words for it, or, for a correct variant that
// failed and whose text says nothing, that this is not supposed to happen.
func (l *Lesson) VerdictText(variant string, held bool) string {
	if variant == "" {
		variant = l.DefaultVariant()
	}
	if s := l.Text.Outcome(variant, held); s != "" || held || !l.IsCorrect(variant) {
		return s
	}
	return brokeUnexpectedly
}
