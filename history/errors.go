package history

import "fmt"

// ParseError names where a history could not be read: file, line and field.
type ParseError struct {
	File  string // may be empty when reading a stream
	Line  int    // 1-based; 0 when unknown
	Field string // may be empty when the whole record is bad
	Msg   string
}

func (e *ParseError) Error() string {
	where := e.File
	if where == "" {
		where = "input"
	}
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", where, e.Line)
	}
	if e.Field != "" {
		return fmt.Sprintf("%s: field %q: %s", where, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s: %s", where, e.Msg)
}
