package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// ink is the style of a canvas cell, one of a few named ones, so that a
// whole drawing is styled from Styles in one place.
type ink uint8

const (
	inkPlain ink = iota
	inkDim
	inkBold
	inkWitness
	inkFailing
	inkSelected
	inkNemesis
	inkWarn
	inkError
	inkGood
	inkDown
	inkPaused
	inkGroup0 // and the four after it: partition groups A to E
)

func (st *Styles) ink(k ink) (lipgloss.Style, bool) {
	switch k {
	case inkDim:
		return st.Dim, true
	case inkBold:
		return st.Bold, true
	case inkWitness:
		return st.Witness, true
	case inkFailing:
		return st.Failing, true
	case inkSelected:
		return st.Selected, true
	case inkNemesis:
		return st.Nemesis, true
	case inkWarn:
		return st.Warn, true
	case inkError:
		return st.Error, true
	case inkGood:
		return st.Good, true
	case inkDown:
		return st.Down, true
	case inkPaused:
		return st.Paused, true
	}
	if k >= inkGroup0 && k < inkGroup0+5 {
		return st.Group(int(k - inkGroup0)), true
	}
	return lipgloss.Style{}, false
}

// canvas is a grid of one-cell runes with an ink each: the timeline and
// the message diagram are drawn on one, then rendered a run of equal ink
// at a time. Drawing outside it is ignored, so callers need not clip.
type canvas struct {
	w, h  int
	runes []rune
	inks  []ink
}

func newCanvas(w, h int) *canvas {
	w, h = max(0, w), max(0, h)
	c := &canvas{w: w, h: h, runes: make([]rune, w*h), inks: make([]ink, w*h)}
	for i := range c.runes {
		c.runes[i] = ' '
	}
	return c
}

func (c *canvas) in(x, y int) bool { return x >= 0 && y >= 0 && x < c.w && y < c.h }

// set puts one rune; a rune that is not one cell wide becomes '?', so
// that a cell is always a cell.
func (c *canvas) set(x, y int, r rune, k ink) {
	if !c.in(x, y) {
		return
	}
	if r < ' ' || (r > '~' && ansi.StringWidth(string(r)) != 1) {
		r = '?'
	}
	c.runes[y*c.w+x], c.inks[y*c.w+x] = r, k
}

// at is the rune at a cell (' ' outside).
func (c *canvas) at(x, y int) rune {
	if !c.in(x, y) {
		return ' '
	}
	return c.runes[y*c.w+x]
}

// paint changes the ink of a cell, keeping its rune.
func (c *canvas) paint(x, y int, k ink) {
	if c.in(x, y) {
		c.inks[y*c.w+x] = k
	}
}

// text writes s from x, cut at limit (exclusive); it returns the column
// after the last rune written.
func (c *canvas) text(x, y int, s string, k ink, limit int) int {
	limit = min(limit, c.w)
	for _, r := range s {
		if x >= limit {
			break
		}
		c.set(x, y, r, k)
		x++
	}
	return x
}

// free reports whether the cells [x0, x1) of row y are blank.
func (c *canvas) free(x0, x1, y int) bool {
	if y < 0 || y >= c.h || x0 < 0 || x1 > c.w {
		return false
	}
	for x := x0; x < x1; x++ {
		if c.runes[y*c.w+x] != ' ' {
			return false
		}
	}
	return true
}

// lines renders each row, trailing blanks trimmed.
func (c *canvas) lines(st *Styles) []string {
	out := make([]string, c.h)
	var b strings.Builder
	for y := 0; y < c.h; y++ {
		row, inks := c.runes[y*c.w:(y+1)*c.w], c.inks[y*c.w:(y+1)*c.w]
		end := len(row)
		for end > 0 && row[end-1] == ' ' && inks[end-1] == inkPlain {
			end--
		}
		b.Reset()
		for x := 0; x < end; {
			k := inks[x]
			x1 := x
			for x1 < end && inks[x1] == k {
				x1++
			}
			seg := string(row[x:x1])
			if s, ok := st.ink(k); ok && st.color {
				seg = s.Render(seg)
			}
			b.WriteString(seg)
			x = x1
		}
		out[y] = b.String()
	}
	return out
}
