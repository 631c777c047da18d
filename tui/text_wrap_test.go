package tui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// TestTextWrapsGreedily: every paragraph of every lesson text (and of the
// note a story beside another seed's run starts with) is wrapped
// greedily, in the plain, dark and light styles: no line of a paragraph
// could have held the first word of the line after it, so no word is left
// alone in the middle of a paragraph ("Many client libraries" / "have" /
// "shipped this way."), and no hyphenated word is broken at its hyphen
// ("partition-" / "leader,"). A list item's later lines start under its
// first word. Headings, code and tables are not paragraphs.
func TestTextWrapsGreedily(t *testing.T) {
	t.Parallel()
	type marks struct {
		code  []string
		items map[string]bool
	}
	read := map[string]marks{}
	for _, r := range lessonRenders() {
		m, ok := read[r.markdown]
		if !ok {
			m = marks{fencedLines(r.markdown), orderedItems(r.markdown)}
			read[r.markdown] = m
		}
		for _, p := range ungreedy(r.content, m.code, m.items, r.width-textRightGap) {
			t.Errorf("%s, %s at %d: %s", r.style, r.id, r.width, p)
		}
	}
}

// textRightGap is how far short of the pane's width a line of text may
// reach: a spare column and the document's right margin.
const textRightGap = 3

// TestUngreedyFindsWhatItShould: the checker above finds a word left
// alone, a break at a hyphen and a list line out of its column, and lets
// a greedy text, code and headings pass.
func TestUngreedyFindsWhatItShould(t *testing.T) {
	t.Parallel()
	md := "text\n\n```\nlong code line here\nx\n```\n\n1. one two\n"
	for _, c := range []struct {
		out          string
		limit, found int
	}{
		{"  Many client libraries\n  have\n  shipped this way.", 30, 2},
		{"  Many client libraries have\n  shipped this way.", 30, 0},
		{"  ## A heading\n  that is short", 30, 0},
		{"  ##  Why", 30, 1},
		{"  •  one", 30, 1},
		{"  aaaa bbbb cccc partition-\n  leader, partition-ring", 30, 1},
		{"  • one two three\n    four five", 20, 0},
		{"  • one two three\n  four five", 20, 1},
		{"  • one two three\n    four five\n  • six", 20, 0},
		{"  1. one two three\n     four five", 20, 0},
		{"  one two three\n  38. At", 20, 1},
		{"  | a quoted line\n  | goes on", 20, 0},
		{"  | a quoted\n  | line", 20, 1},
		{"  text\n\n    long\n    x", 30, 0},
	} {
		if got := ungreedy(c.out, fencedLines(md), orderedItems(md), c.limit); len(got) != c.found {
			t.Errorf("%q at %d: %d findings, want %d: %q", c.out, c.limit, len(got), c.found, got)
		}
	}
}

var (
	listMark  = regexp.MustCompile(`^(?:•|\d+\.) +`)
	quoteMark = regexp.MustCompile(`^ *[│|] ?`)
)

// listItemMark is the bullet or number a line starts with, if any.
func listItemMark(words string) string {
	if words == "" || !strings.HasPrefix(words, "•") && (words[0] < '0' || words[0] > '9') {
		return ""
	}
	return listMark.FindString(words)
}

// tableRunes draw tables (and a block quote's bar, before its words).
const tableRunes = "│|┼─┬┴"

// ungreedy reads rendered text as a learner does and says where a
// paragraph is not wrapped greedily at limit columns: a line that could
// have held the next line's first word, a hyphenated word broken at its
// hyphen, a list item's later line not under its first word; and, in any
// line but code and tables, two spaces in a row ("##  Why"). Code lines
// (pieces of the Markdown's fenced blocks' lines, code), headings and
// table rows are no paragraph's; a line starts a list item when it starts
// with a bullet, or with one of the Markdown's ordered items (items).
func ungreedy(out string, code []string, items map[string]bool, limit int) []string {
	var found []string
	type line struct {
		text   string // stripped, without trailing spaces
		indent int    // where its words start
		item   bool   // it starts a list item
	}
	var prev *line
	column := -1 // where the current list item's words start; -1: not in one
	for i, raw := range strings.Split(out, "\n") {
		plain := strings.TrimRight(ansi.Strip(raw), " ")
		trimmed := strings.TrimSpace(plain)
		body := plain
		if m := quoteMark.FindString(plain); strings.ContainsAny(plain, "│|") && m != "" && !strings.ContainsAny(plain[len(m):], tableRunes) {
			body = strings.Repeat(" ", ansi.StringWidth(m)) + plain[len(m):]
		}
		words := strings.TrimLeft(body, " ")
		cur := &line{text: plain, indent: ansi.StringWidth(body) - ansi.StringWidth(words)}
		if m := listItemMark(words); m != "" && (strings.HasPrefix(m, "•") || items[strings.TrimSpace(m)+" "+firstWord(words[len(m):])]) {
			cur.item, cur.indent, words = true, cur.indent+ansi.StringWidth(m), words[len(m):]
		}
		codeLine := isCode(trimmed, code)
		if !codeLine && strings.Contains(trimmed, "  ") && !strings.ContainsAny(trimmed, tableRunes) {
			found = append(found, fmt.Sprintf("line %d %q has two spaces in a row", i+1, plain))
		}
		switch {
		case trimmed == "", strings.HasPrefix(trimmed, "#"), codeLine, strings.ContainsAny(words, tableRunes):
			prev, column = nil, -1
			continue
		}
		if cur.item {
			column = cur.indent
		}
		if prev != nil && !cur.item {
			first, _, _ := strings.Cut(words, " ")
			if ansi.StringWidth(prev.text)+1+ansi.StringWidth(first) <= limit {
				found = append(found, fmt.Sprintf("line %d %q could have held %q", i, prev.text, first))
			}
			last := prev.text[strings.LastIndexByte(prev.text, ' ')+1:]
			if brokenAtHyphen(last, first) && ansi.StringWidth(last+first) <= limit-cur.indent {
				found = append(found, fmt.Sprintf("line %d: %q broken at its hyphen", i, last+first))
			}
			if column >= 0 && cur.indent != column {
				found = append(found, fmt.Sprintf("line %d %q starts at column %d, not under its item's first word (%d)", i+1, plain, cur.indent, column))
			}
		} else if !cur.item {
			column = -1
		}
		prev = cur
	}
	return found
}

// brokenAtHyphen: last ends a line with a letter and a hyphen, and first
// starts the next with a letter — one word, cut at its hyphen.
func brokenAtHyphen(last, first string) bool {
	if !strings.HasSuffix(last, "-") || len(last) < 2 || first == "" {
		return false
	}
	before, _ := utf8.DecodeLastRuneInString(last[:len(last)-1])
	after, _ := utf8.DecodeRuneInString(first)
	return unicode.IsLetter(before) && unicode.IsLetter(after)
}

// orderedItems are the Markdown's ordered list items' numbers and first
// words ("3. 0"): a line of a paragraph may start with a number and a
// full stop too ("38. At 8.9 s n5 resumed").
func orderedItems(markdown string) map[string]bool {
	items := map[string]bool{}
	src := []byte(markdown)
	_ = ast.Walk(markdownParser.Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		l, ok := n.(*ast.List)
		if !entering || !ok || !l.IsOrdered() {
			return ast.WalkContinue, nil
		}
		num := l.Start
		for item := l.FirstChild(); item != nil; item = item.NextSibling() {
			if c := item.FirstChild(); c != nil && c.Lines().Len() > 0 {
				seg := c.Lines().At(0)
				items[fmt.Sprintf("%d. %s", num, firstWord(string(seg.Value(src))))] = true
			}
			num++
		}
		return ast.WalkContinue, nil
	})
	return items
}

// firstWord is a line's first word without Markdown's or glamour's marks.
func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return strings.Trim(w, "`*_")
}

// fencedLines are the lines of the Markdown's fenced code blocks.
func fencedLines(markdown string) []string {
	var lines []string
	in := false
	for _, l := range strings.Split(markdown, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "```"), strings.HasPrefix(t, "~~~"):
			in = !in
		case in && t != "":
			lines = append(lines, t)
		}
	}
	return lines
}

// isCode: the line is a code line, or a piece of one wrapped to fit.
func isCode(trimmed string, code []string) bool {
	for _, c := range code {
		if strings.Contains(c, trimmed) {
			return true
		}
	}
	return false
}

// TestTextLinesCloseTheirStyles: no line of a rendered text ends with a
// style still open, and a style a paragraph's words carry over a break is
// opened again on the next line: lines stand alone beside the panes'
// borders.
func TestTextLinesCloseTheirStyles(t *testing.T) {
	t.Parallel()
	for _, r := range lessonRenders() {
		if r.style == "plain" {
			continue
		}
		for i, l := range strings.Split(r.content, "\n") {
			if open := carryStyle([]string{l + "x"}); strings.HasSuffix(open[0], ansi.ResetStyle) {
				t.Errorf("%s, %s at %d: line %d ends with a style open: %q", r.style, r.id, r.width, i+1, l)
			}
		}
	}
	lines := carryStyle(wrapWords("plain \x1b[1mbold words here\x1b[0m plain", 12, 12))
	want := []string{"plain \x1b[1mbold\x1b[m", "\x1b[1mwords here\x1b[0m", "plain"}
	if !slices.Equal(lines, want) {
		t.Errorf("bold carried over two breaks: %q, want %q", lines, want)
	}
}

// TestWrapWordsBreaksOnlyAtSpaces: greedy, at spaces only; a word wider
// than a line is cut after a full stop, hyphen, underscore or slash if it
// has one in reach, else where the line is full.
func TestWrapWordsBreaksOnlyAtSpaces(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in          string
		first, rest int
		want        []string
	}{
		{"Many client libraries have shipped this way.", 27, 27, []string{"Many client libraries have", "shipped this way."}},
		{"partition-one, partition-leader, partition-ring", 20, 20, []string{"partition-one,", "partition-leader,", "partition-ring"}},
		{"a setting, discovery.zen.minimum_master_nodes, said", 20, 20, []string{"a setting,", "discovery.zen.", "minimum_master_", "nodes, said"}},
		{"abcdefghij", 4, 4, []string{"abcd", "efgh", "ij"}},
		// Too wide for any line: cut on the line it follows, as far as fits.
		{"and unclean.leader.election.enable, which", 29, 29, []string{"and unclean.leader.election.", "enable, which"}},
		{"one two three", 7, 20, []string{"one two", "three"}},
		{"  lead kept", 20, 20, []string{"  lead kept"}},
		{"trailing  ", 20, 20, []string{"trailing"}},
	} {
		if got := wrapWords(c.in, c.first, c.rest); !slices.Equal(got, c.want) {
			t.Errorf("wrapWords(%q, %d, %d) = %q, want %q", c.in, c.first, c.rest, got, c.want)
		}
	}
}

// TestMarkBlocks: every paragraph, list item and heading is one line that
// starts at the mark, soft breaks become spaces, a hard break keeps its
// line and marks the next, code is left alone, and what starts a block
// (emphasis, a task's box) still does.
func TestMarkBlocks(t *testing.T) {
	t.Parallel()
	md := "## Head\n\nA para\nover lines.\n\n- item\n  more\n- [ ] task\n\n> quote\n> on\n\nhard  \nbreak\n\n_emph_ first\n\n```\ncode\nlines\n```\n"
	want := "## \uE000 Head\n\n\uE000 A para over lines.\n\n- \uE000 item more\n- [ ] \uE000 task\n\n> \uE000 quote on\n\n\uE000 hard  \n\uE001 break\n\n\uE000 _emph_ first\n\n```\ncode\nlines\n```\n"
	if got := markBlocks(md); got != want {
		t.Errorf("markBlocks:\n%q\nwant\n%q", got, want)
	}
	if got := markBlocks("a \uE000 stray \uE001 mark"); got != "\uE000 a  stray  mark" {
		t.Errorf("marks in the text are not dropped: %q", got)
	}
}

// TestWrappedHeadingsAreSections: a heading wrapped over two lines is
// still found whole, so the pane can jump to it.
func TestWrappedHeadingsAreSections(t *testing.T) {
	t.Parallel()
	tc := newTextCache(NewStyles(asciiRenderer()))
	r := tc.render("h", "## Predict before you run\n\ntext\n\n## What happened\n\nmore", 20)
	if strings.Count(r.content, "\n") < 6 {
		t.Fatalf("the heading did not wrap at 20:\n%s", r.content)
	}
	for _, h := range []string{"predict before you run", "what happened"} {
		if _, ok := r.sections[h]; !ok {
			t.Errorf("no section %q in %v:\n%s", h, r.sections, r.content)
		}
	}
}
