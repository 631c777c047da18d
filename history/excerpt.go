package history

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// excerptMax bounds how much of the input a message quotes: enough to
// recognise a record, never a megabyte of it.
const excerptMax = 64

// Excerpt quotes s for a message in Go's double-quoted form (invalid UTF-8
// and control characters escaped), at most about 64 bytes of it, with "..."
// after the closing quote when s was cut. The result is one short, valid,
// printable line whatever s holds.
func Excerpt(s string) string {
	body, cut := escape(s, false)
	q := `"` + body + `"`
	if cut {
		q += "..."
	}
	return q
}

// clip makes s fit a message unquoted: at most about 64 bytes, valid
// UTF-8, every control or unprintable character escaped as Go would (\x00,
// \n). It is for text that is already a rendering of the input (EDN or
// JSON text), where quotes would only add noise.
func clip(s string) string {
	body, cut := escape(s, true)
	if cut {
		body += "..."
	}
	return body
}

// escape renders s as the inside of a Go string literal (keeping double
// quotes and backslashes as they are when raw), stopping before the
// rendering passes excerptMax bytes; cut says whether it stopped early.
func escape(s string, raw bool) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var piece string
		switch {
		case r == utf8.RuneError && size == 1:
			piece = fmt.Sprintf(`\x%02x`, s[i])
		case raw && (r == '"' || r == '\\'):
			piece = string(r)
		case !unicode.IsPrint(r) || r == '"' || r == '\\':
			q := strconv.QuoteRune(r)
			piece = q[1 : len(q)-1]
			if r == '"' {
				piece = `\"`
			}
		default:
			piece = s[i : i+size]
		}
		if b.Len()+len(piece) > excerptMax {
			return b.String(), true
		}
		b.WriteString(piece)
		i += size
	}
	return b.String(), false
}
