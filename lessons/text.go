package lessons

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"gopkg.in/yaml.v3"
)

// Text is a lesson's text: front matter and a Markdown body.
type Text struct {
	ID      string `yaml:"id"`
	Number  int    `yaml:"number"`
	Title   string `yaml:"title"`
	Summary string `yaml:"summary"`
	// Predict is the question asked before the first run.
	Predict Question   `yaml:"predict"`
	Quiz    []Question `yaml:"quiz"`
	Body    string     `yaml:"-"` // Markdown
}

// Question is a multiple-choice prompt with its answer and the reason.
type Question struct {
	Q       string   `yaml:"q"`
	Choices []string `yaml:"choices"`
	Answer  int      `yaml:"answer"` // index into Choices
	Why     string   `yaml:"why"`
}

//go:embed text/*.md
var textFS embed.FS

var texts = mustLoadTexts()

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

// ParseText splits a lesson file into its YAML front matter and Markdown body.
func ParseText(b []byte) (Text, error) {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	if !bytes.HasPrefix(b, []byte("---\n")) {
		return Text{}, fmt.Errorf("line 1: want front matter starting with ---")
	}
	rest := b[4:]
	end := bytes.Index(rest, []byte("\n---\n"))
	if end < 0 {
		return Text{}, fmt.Errorf("front matter has no closing ---")
	}
	var t Text
	if err := yaml.Unmarshal(rest[:end], &t); err != nil {
		return Text{}, fmt.Errorf("front matter: %w", err)
	}
	t.Body = strings.TrimSpace(string(rest[end+5:]))
	switch {
	case t.ID == "":
		return Text{}, fmt.Errorf("front matter: field \"id\" is missing")
	case t.Title == "":
		return Text{}, fmt.Errorf("front matter: field \"title\" is missing")
	}
	for i, q := range append([]Question{t.Predict}, t.Quiz...) {
		if q.Q == "" && i == 0 {
			continue
		}
		if len(q.Choices) < 2 || q.Answer < 0 || q.Answer >= len(q.Choices) {
			return Text{}, fmt.Errorf("front matter: question %q needs two or more choices and an answer index among them", q.Q)
		}
	}
	return t, nil
}

// Section returns the body of the Markdown section whose "## " heading
// starts with title, without the heading; "" when there is none.
func (t Text) Section(title string) string {
	lines := strings.Split(t.Body, "\n")
	var out []string
	in := false
	for _, l := range lines {
		if strings.HasPrefix(l, "## ") {
			if in {
				break
			}
			in = strings.HasPrefix(strings.ToLower(l[3:]), strings.ToLower(title))
			continue
		}
		if in {
			out = append(out, l)
		}
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
