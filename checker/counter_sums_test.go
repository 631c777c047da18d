package checker

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSubsetSumsBits holds the bitset totals to a plain enumeration, on
// random deltas of both signs that cross word boundaries.
func TestSubsetSumsBits(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 9))
	for range 500 {
		deltas := make([]int64, r.IntN(12))
		for i := range deltas {
			deltas[i] = r.Int64N(161) - 80
		}
		base := r.Int64N(200) - 100
		want := map[int64]bool{}
		for mask := range 1 << len(deltas) {
			s := base
			for i, d := range deltas {
				if mask&(1<<i) != 0 {
					s += d
				}
			}
			want[s] = true
		}
		var wantList []int64
		for s := range want {
			wantList = append(wantList, s)
		}
		slices.Sort(wantList)
		got, exact := subsetSums(base, deltas)
		if !exact || !slices.Equal(got, wantList) {
			t.Fatalf("subsetSums(%d, %v) = %v, %v; want %v", base, deltas, got, exact, wantList)
		}
	}
}
