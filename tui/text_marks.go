package tui

import (
	"regexp"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// Glamour wraps text badly: it wraps a paragraph, then wraps it again with
// the document's margin added, which pushes the last word of a full line
// onto a line of its own, and it breaks words at their hyphens
// ("partition-" / "leader,"). So the text is rendered by glamour without
// wrapping, and wrapped here (text_wrap.go). To find, in glamour's output,
// where each paragraph, list item and heading starts — the words to wrap,
// after the margin, bullet or quote bar that their later lines repeat or
// indent by — the Markdown is marked before glamour sees it.
const (
	// markStart starts the words of a paragraph, list item or heading. A
	// space follows it, so the words after it parse as at a line's start
	// (emphasis delimiters and all).
	markStart = "\uE000"
	// markGoOn starts a line after a hard line break: the same block,
	// whose words go on under its first line's.
	markGoOn = "\uE001"
)

// markdownParser parses as glamour does (glamour.NewTermRenderer).
var markdownParser = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.DefinitionList)).Parser()

// taskBox is a task list item's check box: it must stay first in its item.
var taskBox = regexp.MustCompile(`^\[[ xX]\][ \t]`)

// markBlocks returns the Markdown with every paragraph, list item text and
// heading one line (soft line breaks become spaces: the wrapping is ours),
// its words starting at markStart, and every line after a hard line break
// starting at markGoOn. Code, tables and HTML are left as they are.
func markBlocks(markdown string) string {
	markdown = strings.NewReplacer(markStart, "", markGoOn, "").Replace(markdown)
	src := []byte(markdown)
	type edit struct {
		from, to int // the bytes replaced
		with     string
	}
	var edits []edit
	_ = ast.Walk(markdownParser.Parse(text.NewReader(src)), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || n.Type() != ast.TypeBlock {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindParagraph, ast.KindTextBlock, ast.KindHeading:
		default:
			return ast.WalkContinue, nil
		}
		lines := n.Lines()
		if lines.Len() == 0 {
			return ast.WalkContinue, nil
		}
		at := lines.At(0).Start
		if taskBox.Match(src[at:]) {
			at += len(taskBox.Find(src[at:]))
		}
		edits = append(edits, edit{at, at, markStart + " "})
		for i := 1; i < lines.Len(); i++ {
			end, next := lines.At(i-1).Stop, lines.At(i).Start
			for end > 0 && (src[end-1] == '\n' || src[end-1] == '\r') {
				end--
			}
			for next < len(src) && (src[next] == ' ' || src[next] == '\t') {
				next++
			}
			content := strings.TrimRight(string(src[lines.At(i-1).Start:end]), " \t")
			if hard := end >= 2 && src[end-1] == ' ' && src[end-2] == ' '; hard || strings.HasSuffix(content, `\`) {
				edits = append(edits, edit{next, next, markGoOn + " "})
				continue
			}
			edits = append(edits, edit{lines.At(i-1).Start + len(content), next, " "})
		}
		return ast.WalkContinue, nil
	})
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].from < edits[j].from })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		if e.from < last { // overlapping: cannot happen for distinct blocks; keep the text whole
			continue
		}
		b.Write(src[last:e.from])
		b.WriteString(e.with)
		last = e.to
	}
	b.Write(src[last:])
	return b.String()
}
