package tui

import (
	"strings"
)

// reflowTables rewrites the Markdown tables that would not fit width as
// lists: each row a bullet, its first cell in bold, the others labelled
// with their column's heading. Tables that fit stay tables.
func reflowTables(markdown string, width int) string {
	lines := strings.Split(markdown, "\n")
	var out []string
	for i := 0; i < len(lines); {
		if !isTableRow(lines[i]) || i+1 >= len(lines) || !isTableRule(lines[i+1]) {
			out = append(out, lines[i])
			i++
			continue
		}
		j := i + 2
		for j < len(lines) && isTableRow(lines[j]) {
			j++
		}
		out = append(out, tableOrList(lines[i], lines[i+2:j], width)...)
		i = j
	}
	return strings.Join(out, "\n")
}

func isTableRow(l string) bool {
	t := strings.TrimSpace(l)
	return strings.HasPrefix(t, "|") && strings.Count(t, "|") >= 2
}

func isTableRule(l string) bool {
	t := strings.TrimSpace(l)
	return isTableRow(t) && strings.Trim(t, "|-: ") == ""
}

func cells(row string) []string {
	t := strings.Trim(strings.TrimSpace(row), "|")
	parts := strings.Split(t, "|")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// tableOrList keeps a table that fits (its widest cells side by side, a
// border between each) and turns any other into a list.
func tableOrList(head string, rows []string, width int) []string {
	heads := cells(head)
	widths := make([]int, len(heads))
	for i, h := range heads {
		widths[i] = lineWidth(h)
	}
	for _, r := range rows {
		for i, c := range cells(r) {
			if i < len(widths) {
				widths[i] = max(widths[i], lineWidth(c))
			}
		}
	}
	total := 1
	for _, w := range widths {
		total += w + 3
	}
	if total <= width {
		out := []string{head, "|" + strings.Repeat("---|", len(heads))}
		return append(out, rows...)
	}
	out := []string{""}
	for _, r := range rows {
		cs := cells(r)
		if len(cs) == 0 {
			continue
		}
		item := "- **" + cs[0] + "**"
		var rest []string
		for i, c := range cs[1:] {
			if c == "" {
				continue
			}
			label := ""
			if i+1 < len(heads) && heads[i+1] != "" {
				label = heads[i+1] + ": "
			}
			rest = append(rest, label+c)
		}
		if len(rest) > 0 {
			item += " — " + strings.Join(rest, "; ")
		}
		out = append(out, item)
	}
	return append(out, "")
}
