package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// layout wraps glamour's unwrapped output (of markBlocks' Markdown) so no
// line is wider than limit. A paragraph, list item or heading is wrapped
// greedily, at spaces only — never at a hyphen, so "partition-leader"
// stays whole — its later lines under its first word: indented past a
// list item's bullet, behind a block quote's bar (the runes of bars are
// kept, every other rune of the first line's lead becomes a space). Other
// lines (code, tables, rules) keep their own breaks; one too wide is cut
// to fit, its pieces indented as it is.
func layout(flat string, limit int, bars string) []string {
	var out []string
	cont := "" // the lead of the current block's later lines
	for _, l := range strings.Split(flat, "\n") {
		i := strings.IndexAny(l, markStart+markGoOn)
		if i < 0 {
			cont = ""
			out = append(out, cutToFit(l, limit)...)
			continue
		}
		k := lastCell(l[:i])
		lead, rest := l[:k], l[k:]
		for n := 0; rest != ""; n++ {
			// rest: escape sequences, a mark, its space, words, and
			// maybe the next mark (glamour puts a loose list item's
			// paragraphs on one line)
			at := strings.IndexAny(rest, markStart+markGoOn)
			mark := rest[at : at+len(markStart)]
			words := rest[:at] + dropSpace(rest[at+len(mark):])
			rest = ""
			if j := strings.IndexAny(words, markStart+markGoOn); j >= 0 {
				c := lastCell(words[:j])
				words, rest = words[:c], words[c:]
			}
			switch {
			case mark == markStart && n == 0:
				cont = blankLead(lead, bars)
			case mark == markStart:
				lead = cont
				out = append(out, strings.TrimRight(ansi.Strip(cont), " "))
			default:
				if cont == "" {
					cont = blankLead(lead, bars)
				}
				lead = cont
			}
			out = append(out, wrapBlock(lead, cont, words, limit)...)
		}
	}
	return out
}

// piece is a grapheme of styled text, or an escape sequence (no cell).
type piece struct {
	s     string
	width int
	esc   bool
}

func (p piece) space() bool { return p.s == " " }

// pieces splits styled text into graphemes and escape sequences.
func pieces(s string) []piece {
	var out []piece
	for i := 0; i < len(s); {
		n, w, esc := step(s, i)
		out = append(out, piece{s: s[i : i+n], width: w, esc: esc})
		i += n
	}
	return out
}

// dropSpace drops the space markBlocks put after a mark: the first cell
// of s, escape sequences aside (glamour may style the mark and the words
// after it apart: "## " "\uE000" " Why").
func dropSpace(s string) string {
	for i := 0; i < len(s); {
		n, _, esc := step(s, i)
		if !esc {
			if s[i] == ' ' {
				return s[:i] + s[i+1:]
			}
			return s
		}
		i += n
	}
	return s
}

// lastCell is where the last grapheme of styled text ends: what follows
// it, escape sequences, opens the text after it.
func lastCell(s string) int {
	k := 0
	for i := 0; i < len(s); {
		n, _, esc := step(s, i)
		if i += n; !esc {
			k = i
		}
	}
	return k
}

// blankLead is the lead of a block's later lines: its first line's, with
// every cell but a quote bar's a space.
func blankLead(lead, bars string) string {
	var b strings.Builder
	styled := false
	for _, p := range pieces(lead) {
		switch {
		case p.esc:
			b.WriteString(p.s)
			styled = true
		case !p.space() && strings.Contains(bars, p.s):
			b.WriteString(p.s)
		default:
			b.WriteString(strings.Repeat(" ", p.width))
		}
	}
	if styled {
		b.WriteString(ansi.ResetStyle)
	}
	return b.String()
}

// wrapBlock wraps words behind lead on the first line, behind cont on the
// others; a style open at the end of a line, the lead's included, opens
// the next line's words again.
func wrapBlock(lead, cont, words string, limit int) []string {
	lines := wrapWords(words, max(1, limit-ansi.StringWidth(lead)), max(1, limit-ansi.StringWidth(cont)))
	lines[0] = lead + lines[0]
	lines = carryStyle(lines)
	for i := 1; i < len(lines); i++ {
		lines[i] = cont + lines[i]
	}
	return lines
}

// wrapWords wraps styled text greedily: each line takes every word that
// fits (first cells on the first line, rest on the others), breaking only
// at spaces; a word wider than a whole line is cut (cutWord). The spaces
// at a break are dropped, the escape sequences among them kept. Lines are
// cut from s, not built: this runs for every paragraph at every width.
func wrapWords(s string, first, rest int) []string {
	var (
		lines []string
		lead  string // escape sequences carried over a break
		from  int    // where the line's text starts in s
		end   int    // where its last word ends
		width int
		avail = first
	)
	breakAt := func(next int, carried string) {
		lines = append(lines, lead+s[from:end])
		lead, from, end, width, avail = carried, next, next, 0, rest
	}
	for i := 0; i < len(s); {
		// the gap: spaces and escape sequences
		gs, gapW := i, 0
		for i < len(s) {
			n, w, esc := step(s, i)
			if s[i] != ' ' && !esc {
				break
			}
			i, gapW = i+n, gapW+w
		}
		// the word: up to the next space
		ws, wordW := i, 0
		for i < len(s) && s[i] != ' ' {
			n, w, _ := step(s, i)
			i, wordW = i+n, wordW+w
		}
		switch {
		case ws == i: // the end: the gap's escapes, not its spaces
			return append(lines, lead+s[from:end]+strings.ReplaceAll(s[gs:ws], " ", ""))
		case width > 0 && width+gapW+wordW > avail && (wordW <= rest || !breaksWithin(s[ws:i], avail-width-gapW)):
			breakAt(ws, strings.ReplaceAll(s[gs:ws], " ", ""))
		default:
			width += gapW
		}
		if width+wordW <= avail {
			end, width = i, width+wordW
			continue
		}
		cuts, lastW := cutWord(s[ws:i], avail-width, rest)
		for _, c := range cuts {
			end = ws + c
			breakAt(ws+c, "")
		}
		end, width = i, width+lastW
	}
	return append(lines, lead+s[from:end])
}

// breaksWithin reports whether word can be cut after one of its full
// stops, hyphens, underscores, slashes or commas (cutWord's) within room
// cells: a word too wide for any line then starts on the line it
// follows, as far as fits ("and unclean.leader.election." / "enable"),
// instead of leaving that line short.
func breaksWithin(word string, room int) bool {
	width := 0
	for i := 0; i < len(word); {
		n, w, _ := step(word, i)
		i, width = i+n, width+w
		if width > room {
			return false
		}
		if n == 1 && i < len(word) && strings.IndexByte(wordBreaks, word[i-1]) >= 0 {
			return true
		}
	}
	return false
}

// step reads one grapheme or escape sequence of s at i: its length, its
// cells, and whether it is an escape sequence.
func step(s string, i int) (n, width int, esc bool) {
	if c := s[i]; c >= ' ' && c < 0x7f && (i+1 == len(s) || s[i+1] < 0x80) {
		return 1, 1, false // ASCII, no combining mark after it
	}
	if strings.HasPrefix(s[i:], "\x1b[") { // CSI: up to its final byte
		for j := i + 2; j < len(s); j++ {
			if s[j] >= 0x40 && s[j] <= 0x7e {
				return j + 1 - i, 0, true
			}
		}
	}
	seq, w, n, _ := ansi.DecodeSequence(s[i:], 0, nil)
	if n <= 0 {
		return 1, 0, true
	}
	return n, w, w == 0 && (seq[0] == ansi.ESC || seq[0] < ' ')
}

// wordBreaks are where a word too wide for a line may be cut: after a
// full stop, hyphen, underscore, slash or comma inside it.
const wordBreaks = ".-_/,"

// cutWord says where to cut a word into pieces that fit, the first in
// first cells, the others in rest: after its last full stop, hyphen,
// underscore, slash or comma that fits ("discovery.zen." /
// "minimum_master_nodes"), else where the line is full. It returns the
// cuts (byte offsets) and the last piece's width; a word that fits has
// no cut.
func cutWord(word string, first, rest int) (cuts []int, last int) {
	avail, from, brk, brkW := first, 0, -1, 0
	for i := 0; i < len(word); {
		n, w, esc := step(word, i)
		if !esc && last > 0 && last+w > avail {
			at, atW := i, last
			if brk > from {
				at, atW = brk, brkW
			}
			cuts = append(cuts, at)
			from, avail, last, brk = at, rest, last-atW, -1
			continue
		}
		i, last = i+n, last+w
		if strings.IndexByte(wordBreaks, word[i-n]) >= 0 && n == 1 && i < len(word) {
			brk, brkW = i, last
		}
	}
	return cuts, last
}

// cutToFit cuts a line that has no words to wrap (code, a table row) into
// pieces that fit limit: after the last comma or space that leaves the
// piece more than half full, else where the line is full. The later
// pieces are indented as the line is.
func cutToFit(line string, limit int) []string {
	if ansi.StringWidth(line) <= limit {
		return []string{line}
	}
	plain := ansi.Strip(line)
	indent := min(len(plain)-len(strings.TrimLeft(plain, " ")), limit/2)
	var lines []string
	ps := pieces(line)
	avail := limit
	for len(ps) > 0 {
		width, end, brk := 0, len(ps), -1
		for i, p := range ps {
			if !p.esc && width+p.width > avail && width > 0 {
				end = i
				break
			}
			width += p.width
			if (p.s == "," || p.space()) && width > avail/2 {
				brk = i + 1
			}
		}
		if end < len(ps) && brk > 0 {
			end = brk
		}
		var b strings.Builder
		for _, p := range ps[:end] {
			b.WriteString(p.s)
		}
		lines = append(lines, b.String())
		ps = ps[end:]
		avail = limit - indent
	}
	lines = carryStyle(lines)
	for i := 1; i < len(lines); i++ {
		lines[i] = strings.Repeat(" ", indent) + lines[i]
	}
	return lines
}

// carryStyle makes each line stand alone: a style still open at the end
// of a line is reset there and opened again at the start of the next, so
// nothing drawn beside a line (a border, another pane) takes its colour.
func carryStyle(lines []string) []string {
	open := ""
	for i, l := range lines {
		start := open
		for rest := l; ; {
			at := strings.Index(rest, "\x1b[")
			if at < 0 {
				break
			}
			rest = rest[at+2:]
			end := strings.IndexFunc(rest, func(r rune) bool { return r >= 0x40 && r <= 0x7e })
			if end < 0 {
				break
			}
			params, final := rest[:end], rest[end]
			rest = rest[end+1:]
			if final != 'm' {
				continue
			}
			switch {
			case strings.Trim(params, "0;") == "":
				open = ""
			case strings.HasPrefix(params, "0;"):
				open = "\x1b[" + params + "m"
			default:
				open += "\x1b[" + params + "m"
			}
		}
		if start != "" {
			l = start + l
		}
		if open != "" {
			l += ansi.ResetStyle
		}
		lines[i] = l
	}
	return lines
}
