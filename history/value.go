package history

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Normalize turns a decoded value into the plain data a history holds:
// json.Number and every integer type become int64, integral floats too.
func Normalize(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, int64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return nil, fmt.Errorf("integer %d is out of range", x)
		}
		return int64(x), nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), nil
		}
		return x, nil
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		f, err := x.Float64()
		if err != nil {
			return nil, fmt.Errorf("bad number %q", x)
		}
		return f, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := Normalize(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := Normalize(e)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported value of type %T", v)
	}
}

// Format renders a value compactly for people: nil, 3, "a", [1 2], {k v}.
func Format(v any) string {
	var b strings.Builder
	formatTo(&b, v)
	return b.String()
}

func formatTo(b *strings.Builder, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("nil")
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case string:
		b.WriteString(strconv.Quote(x))
	default:
		if !writeComposite(b, v, ", ", writePlain, formatTo) {
			fmt.Fprint(b, x)
		}
	}
}

func writePlain(b *strings.Builder, s string) { b.WriteString(s) }

// writeComposite writes a list, [a b c], or a map, {k v<sep>k v} with its
// keys sorted, through key and elem, the one shape every writer of values
// shares; it reports false, writing nothing, when v is neither.
func writeComposite(b *strings.Builder, v any, sep string, key func(*strings.Builder, string), elem func(*strings.Builder, any)) bool {
	switch x := v.(type) {
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(' ')
			}
			elem(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(sep)
			}
			key(b, k)
			b.WriteByte(' ')
			elem(b, x[k])
		}
		b.WriteByte('}')
	default:
		return false
	}
	return true
}

// Int reads an integer value; ok is false for anything else.
func Int(v any) (int64, bool) {
	i, ok := v.(int64)
	return i, ok
}
