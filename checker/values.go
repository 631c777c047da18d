package checker

import (
	"hash/maphash"
	"math"
	"sort"

	"github.com/faultline-lab/faultline/history"
)

// valueEqual is history.Equal: the toy databases and the checker hold one
// definition of equal values (an integral float equals that integer).
func valueEqual(a, b any) bool { return history.Equal(a, b) }

var hashSeed = maphash.MakeSeed()

// valueHash is consistent with valueEqual.
func valueHash(v any) uint64 {
	switch x := v.(type) {
	case int64:
		return mix(uint64(x))
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return mix(uint64(int64(x)))
		}
		return mix(math.Float64bits(x) ^ 0x5bd1e995)
	case string:
		return maphash.String(hashSeed, x)
	case nil:
		return 0x9e3779b97f4a7c15
	case bool:
		if x {
			return 0x1234567
		}
		return 0x7654321
	case []any:
		h := uint64(len(x)) + 0x2545f4914f6cdd1d
		for _, e := range x {
			h = mix(h ^ valueHash(e))
		}
		return h
	case map[string]any:
		var h uint64 = 0x3c6ef372fe94f82b
		for k, e := range x {
			h ^= mix(maphash.String(hashSeed, k) + valueHash(e))
		}
		return h
	}
	return 1
}

func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// valueLess orders values for canonical sets: numbers, then strings, then
// anything else by its printed form.
func valueLess(a, b any) bool {
	ra, rb := rank(a), rank(b)
	if ra != rb {
		return ra < rb
	}
	switch x := a.(type) {
	case int64:
		return x < b.(int64)
	case string:
		return x < b.(string)
	}
	return history.Format(a) < history.Format(b)
}

func rank(v any) int {
	switch v.(type) {
	case int64:
		return 0
	case string:
		return 1
	}
	return 2
}

// canonicalSet sorts and deduplicates elements.
func canonicalSet(xs []any) []any {
	out := append([]any(nil), xs...)
	sort.Slice(out, func(i, j int) bool { return valueLess(out[i], out[j]) })
	w := 0
	for i, x := range out {
		if i > 0 && valueEqual(x, out[w-1]) {
			continue
		}
		out[w] = x
		w++
	}
	return out[:w]
}

// token names a value for the witness's support relation.
func token(v any) string { return history.Format(v) }
