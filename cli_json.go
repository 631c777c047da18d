package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/faultline-lab/faultline/history"
)

// describeJSONError says where in a JSON file decoding failed: line and
// field where it can.
func describeJSONError(b []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("line %d: %v", lineOf(b, syn.Offset), syn)
	case errors.As(err, &typ):
		return fmt.Sprintf("line %d: field %s: want %v, got %s", lineOf(b, typ.Offset), history.Excerpt(typ.Field), typ.Type, clipArg(typ.Value))
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		if field, err := strconv.Unquote(name); err == nil {
			return "unknown field " + history.Excerpt(field)
		}
	}
	return clipArg(msg)
}

func lineOf(b []byte, offset int64) int {
	if offset > int64(len(b)) {
		offset = int64(len(b))
	}
	return bytes.Count(b[:offset], []byte("\n")) + 1
}
