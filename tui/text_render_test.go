package tui

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/faultline-lab/faultline/lessons"
)

func colourRenderer(dark bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	r.SetHasDarkBackground(dark)
	return r
}

func TestNoColourLeavesNoMarkdownMarkers(t *testing.T) {
	t.Parallel()
	tc := newTextCache(NewStyles(asciiRenderer()))
	for _, l := range lessons.All() {
		for _, w := range []int{40, 90} {
			out := tc.render(l.ID, l.Text.Body, w).content
			if strings.Contains(out, "**") {
				t.Errorf("%s at %d: raw ** in the text without colour", l.ID, w)
			}
		}
	}
}

func TestNarrowTablesBecomeLists(t *testing.T) {
	t.Parallel()
	l, err := lessons.Get("raft-capstone")
	if err != nil {
		t.Fatal(err)
	}
	tc := newTextCache(NewStyles(asciiRenderer()))
	narrow := tc.render(l.ID, l.Text.Body, 40).content
	if strings.Contains(narrow, "---") || strings.Contains(narrow, "│ what it") {
		t.Errorf("a table too wide for 40 columns is still a table:\n%s", narrow)
	}
	flat := strings.Join(strings.Fields(narrow), " ")
	if !strings.Contains(flat, "commit-without-majority — what it changes: the leader counts") {
		t.Errorf("the table's rows are not read as a list:\n%s", narrow)
	}
	md := "| a | b |\n|---|---|\n| 1 | 2 |\n"
	if got := reflowTables(md, 80); !strings.Contains(got, "| 1 | 2 |") {
		t.Errorf("a table that fits was rewritten:\n%s", got)
	}
}

// TestTablesThatFitStayTablesAndFit: a table kept as a table (it fits
// the text's column) fits the width, in colour and without, and one that
// does not becomes a list that fits too.
func TestTablesThatFitStayTablesAndFit(t *testing.T) {
	t.Parallel()
	md := "intro\n\n| switch | what it changes | look for |\n|---|---|---|\n| `a-b` | the leader counts | a cut-off leader |\n| forget | vote in memory | two leaders |\n\nafter"
	for _, st := range []*Styles{NewStyles(asciiRenderer()), NewStyles(colourRenderer(true))} {
		tc := newTextCache(st)
		tables := 0
		for w := 20; w <= 70; w += 3 {
			out := tc.render("table", md, w).content
			if strings.Contains(ansi.Strip(out), "| what it changes") || strings.Contains(ansi.Strip(out), "│ what it changes") {
				tables++
			}
			for _, l := range strings.Split(out, "\n") {
				if ansi.StringWidth(l) > w {
					t.Errorf("at %d: line %d wide: %q", w, ansi.StringWidth(l), ansi.Strip(l))
				}
			}
		}
		if tables == 0 {
			t.Error("the table is a list at every width up to 70")
		}
	}
}

func TestTextStyleFollowsTheBackground(t *testing.T) {
	t.Parallel()
	l, err := lessons.Get("stale-replica-reads")
	if err != nil {
		t.Fatal(err)
	}
	dark := newTextCache(NewStyles(colourRenderer(true))).render(l.ID, l.Text.Body, 80).content
	light := newTextCache(NewStyles(colourRenderer(false))).render(l.ID, l.Text.Body, 80).content
	if dark == light {
		t.Error("the lesson text renders the same on a light and a dark background")
	}
	if ansi.Strip(dark) != ansi.Strip(light) {
		t.Error("the words differ between light and dark")
	}
}

func TestInlineCodeLeavesNoStrayLines(t *testing.T) {
	t.Parallel()
	md := "Press `r` to run, then `p` to cut the network, and `h` to heal it; `w` shows the witness and `m` the messages."
	tc := newTextCache(NewStyles(colourRenderer(true)))
	for w := 20; w <= 60; w++ {
		for _, line := range strings.Split(tc.render("code", md, w).content, "\n") {
			if strings.TrimSpace(ansi.Strip(line)) == "" {
				t.Errorf("width %d: a blank line inside a paragraph:\n%s", w, ansi.Strip(tc.render("code", md, w).content))
				break
			}
		}
	}
}

// The lesson text narrates one seed's run; beside another seed's it says
// so at its top (at 160×45 it told seed 1's story beside seed 42's run as
// if it were this one's), and beside its own it says nothing.
func TestStoryBesideAnotherSeedSaysWhoseItIs(t *testing.T) {
	t.Parallel()
	l, err := lessons.Get(lesson2)
	if err != nil {
		t.Fatal(err)
	}
	n, ok := l.Text.Opening()
	if !ok {
		t.Fatal("lesson 2's text narrates no run")
	}
	note := fmt.Sprintf("This story is seed %d's", n.Seed)
	for _, c := range []struct {
		seed uint64
		want bool
	}{{n.Seed, false}, {n.Seed + 41, true}} {
		m := newTestModel(t, Options{Lesson: lesson2, Seed: c.seed, SeedSet: true}, 160, 45)
		m = press(t, m, "esc")
		v := flat(m.View())
		if got := strings.Contains(v, note); got != c.want {
			t.Errorf("seed %d (the story is seed %d's): note shown %v, want %v:\n%s", c.seed, n.Seed, got, c.want, plain(m.View()))
		}
		if c.want && !strings.Contains(v, fmt.Sprintf("you are running seed %d", c.seed)) {
			t.Errorf("seed %d: the note does not name the seed running", c.seed)
		}
	}
}
