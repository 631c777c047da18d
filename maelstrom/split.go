package maelstrom

import (
	"fmt"
	"strings"
)

// SplitCommand splits a command line into words as a POSIX shell would,
// without running a shell: words are separated by blanks; single quotes
// keep everything literally; double quotes keep everything but \", \\, \$
// and \` (a backslash before anything else stays); outside quotes a
// backslash keeps the next character. Nothing is expanded ($VAR, *, ~ stay
// as written).
func SplitCommand(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	r := []rune(s)
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\\':
			inWord = true
			if i+1 >= len(r) {
				return nil, fmt.Errorf("the command ends with a lone backslash")
			}
			i++
			if r[i] != '\n' { // backslash-newline joins lines
				w.WriteRune(r[i])
			}
		case c == '\'':
			inWord = true
			end := indexRune(r, i+1, '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated single quote at character %d", i+1)
			}
			w.WriteString(string(r[i+1 : end]))
			i = end
		case c == '"':
			inWord = true
			j := i + 1
			for ; j < len(r) && r[j] != '"'; j++ {
				if r[j] == '\\' && j+1 < len(r) && strings.ContainsRune("\"\\$`\n", r[j+1]) {
					j++
					if r[j] != '\n' {
						w.WriteRune(r[j])
					}
					continue
				}
				w.WriteRune(r[j])
			}
			if j >= len(r) {
				return nil, fmt.Errorf("unterminated double quote at character %d", i+1)
			}
			i = j
		default:
			inWord = true
			w.WriteRune(c)
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("the command is empty")
	}
	return words, nil
}

func indexRune(r []rune, from int, c rune) int {
	for i := from; i < len(r); i++ {
		if r[i] == c {
			return i
		}
	}
	return -1
}

// QuoteCommand joins words back into a line SplitCommand reads the same.
func QuoteCommand(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		if w != "" && !strings.ContainsAny(w, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			out[i] = w
			continue
		}
		out[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}
