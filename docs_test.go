package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/lessons"
)

// The documents in docs/ quote the command line's own output rather than
// retell it, so that they cannot drift from it: each block that follows a
// marker line
//
//	<!-- generated: faultline ARGS -->
//
// is that command's output, verbatim, in a ```text fence. This test holds
// every such block to the real output; FAULTLINE_UPDATE_DOCS=1 rewrites
// the blocks instead (then read the diff).

var generatedBlock = regexp.MustCompile("(?s)<!-- generated: faultline ([^>]*?) -->\n```text\n(.*?)```\n")

func TestDocsQuoteTheRealOutput(t *testing.T) {
	for _, path := range []string{"docs/cli.md"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		blocks := generatedBlock.FindAllSubmatchIndex(data, -1)
		if len(blocks) == 0 {
			t.Fatalf("%s: no generated block", path)
		}
		var out strings.Builder
		last := 0
		for _, m := range blocks {
			args := strings.Fields(string(data[m[2]:m[3]]))
			code, stdout, stderr := cli(t, args...)
			if code != exitOK {
				t.Fatalf("%s: faultline %s exits %d: %s", path, strings.Join(args, " "), code, stderr)
			}
			if got := string(data[m[4]:m[5]]); got != stdout {
				t.Errorf("%s: the block of faultline %s is not what it prints (FAULTLINE_UPDATE_DOCS=1 go test -run TestDocsQuoteTheRealOutput . rewrites it)", path, strings.Join(args, " "))
			}
			out.Write(data[last:m[4]])
			out.WriteString(stdout)
			last = m[5]
		}
		out.Write(data[last:])
		if os.Getenv("FAULTLINE_UPDATE_DOCS") == "1" {
			if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Every help page is quoted: a command added to the command line without
// its page in docs/cli.md fails here.
func TestDocsQuoteEveryCommandsHelp(t *testing.T) {
	data, err := os.ReadFile("docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range commandNames() {
		if !strings.Contains(string(data), "<!-- generated: faultline help "+name+" -->") {
			t.Errorf("docs/cli.md does not quote faultline help %s", name)
		}
	}
}

// The catalogue in docs/LESSONS.md and the README's lesson table list
// every lesson by number and id, and the catalogue names every variant.
func TestDocsListEveryLessonAndVariant(t *testing.T) {
	catalogue, err := os.ReadFile("docs/LESSONS.md")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lessons.All() {
		row := fmt.Sprintf("| %d | %s |", l.Number, l.ID)
		if !strings.Contains(string(catalogue), row) {
			t.Errorf("docs/LESSONS.md has no row %q", row)
		}
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md's lesson table has no row %q", row)
		}
		section := lessonSection(string(catalogue), l.Number)
		for _, v := range l.Variants() {
			if !strings.Contains(section, "`"+v.Name+"`") {
				t.Errorf("docs/LESSONS.md, lesson %d: variant %s is not named", l.Number, v.Name)
			}
		}
	}
}

// lessonSection is the part of the catalogue under "### N." up to the
// next heading of that level.
func lessonSection(doc string, number int) string {
	start := strings.Index(doc, fmt.Sprintf("\n### %d. ", number))
	if start < 0 {
		return ""
	}
	rest := doc[start+1:]
	if end := strings.Index(rest[1:], "\n### "); end >= 0 {
		return rest[:end+1]
	}
	return rest
}
