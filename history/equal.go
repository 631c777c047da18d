package history

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Equal compares two history values (nil, bool, int64, float64, string,
// []any, map[string]any) as the checker and the toy databases must agree
// to: an integral float equals that integer; anything else is compared
// by its printed form, so no value makes it panic.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y
		}
		return false
	case float64:
		switch y := b.(type) {
		case float64:
			return x == y
		case int64:
			return x == float64(y)
		}
		return false
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !Equal(v, w) {
				return false
			}
		}
		return true
	}
	return b != nil && Format(a) == Format(b)
}

// nilKey and compositeKey are ValueKey's keys for nil, and for lists,
// maps and values of no history type.
type (
	nilKey       struct{}
	compositeKey struct{ text string }
)

// ValueKey is a map key for v, the same for values Equal finds equal: an
// integral float is its integer, and a list or map is its canonical text
// (WriteCanonical). It is value identity, as Equal is value equality.
func ValueKey(v any) any {
	switch x := v.(type) {
	case nil:
		return nilKey{}
	case int64, string, bool:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x)
		}
		return x
	case []any, map[string]any:
		var b strings.Builder
		WriteCanonical(&b, v)
		return compositeKey{b.String()}
	}
	return compositeKey{"?" + Format(v)} // no history value: by its printed form, as Equal does
}

// WriteCanonical writes v so that values Equal finds equal read the same:
// integral floats as integers, map keys sorted, every scalar marked with
// its type.
func WriteCanonical(b *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		b.WriteString(strconv.Quote(x))
	default:
		quoted := func(b *strings.Builder, k string) { b.WriteString(strconv.Quote(k)) }
		if !writeComposite(b, v, " ", quoted, WriteCanonical) {
			k := ValueKey(x)
			fmt.Fprintf(b, "%T:%v", k, k)
		}
	}
}

// Compare orders values: nil first, then integers by value, then anything
// else by its printed form. It is a total order consistent with Equal for
// integers and strings, for code that must break ties the same way on
// every node (a set's order in a read, last-write-wins between equal
// timestamps).
func Compare(a, b any) int {
	switch {
	case a == nil || b == nil:
		return boolInt(b == nil) - boolInt(a == nil)
	}
	x, xok := a.(int64)
	y, yok := b.(int64)
	switch {
	case xok && yok:
		return boolInt(x > y) - boolInt(x < y)
	case xok != yok:
		return boolInt(yok) - boolInt(xok) // integers first
	}
	return strings.Compare(Format(a), Format(b))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
