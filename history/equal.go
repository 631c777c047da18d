package history

import "strings"

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
