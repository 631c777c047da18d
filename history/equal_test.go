package history

import (
	"math/rand/v2"
	"testing"
)

// randomValue is a small history value: nil, a bool, an integer (int64
// or an integral float64), a fraction, a short string, or a list or map
// of such, so that equal values turn up often in a few thousand pairs.
func randomValue(r *rand.Rand, depth int) any {
	switch n := r.IntN(9); {
	case n == 0:
		return nil
	case n == 1:
		return r.IntN(2) == 0
	case n == 2:
		return int64(r.IntN(3))
	case n == 3:
		return float64(r.IntN(3))
	case n == 4:
		return float64(r.IntN(3)) + 0.5
	case n == 5:
		return []string{"a", "b", "1"}[r.IntN(3)]
	case n == 6 && depth < 2:
		l := make([]any, r.IntN(3))
		for i := range l {
			l[i] = randomValue(r, depth+1)
		}
		return l
	case n == 7 && depth < 2:
		m := map[string]any{}
		for range r.IntN(3) {
			m[[]string{"k", "v", "1"}[r.IntN(3)]] = randomValue(r, depth+1)
		}
		return m
	}
	return int64(r.IntN(3))
}

// TestValueKeyIsEqualsIdentity: two values get the same ValueKey exactly
// when Equal finds them equal (value identity and value equality are one
// definition, used by the checker's maps and its comparisons alike).
func TestValueKeyIsEqualsIdentity(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 3))
	same := 0
	for i := range 20000 {
		a, b := randomValue(r, 0), randomValue(r, 0)
		eq, keyEq := Equal(a, b), ValueKey(a) == ValueKey(b)
		if eq != keyEq {
			t.Fatalf("pair %d: Equal(%s, %s) = %v, but their keys are equal: %v", i, Format(a), Format(b), eq, keyEq)
		}
		if eq {
			same++
		}
	}
	// Distinct types with one text must stay apart.
	for _, p := range [][2]any{{int64(1), "1"}, {[]any{"1"}, []any{int64(1)}}, {nil, "nil"}, {true, "true"}} {
		if ValueKey(p[0]) == ValueKey(p[1]) {
			t.Errorf("%s and %s (%T, %T) share a key", Format(p[0]), Format(p[1]), p[0], p[1])
		}
	}
	if same < 500 {
		t.Errorf("only %d of 20000 pairs were equal: the test hardly tried equal values", same)
	}
}
