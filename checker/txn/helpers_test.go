package txn

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
	"github.com/faultline-lab/faultline/internal/testkit"
)

// long reports whether FAULTLINE_LONG=1 asks for the long sweeps.
var long = testkit.Long

// A shorthand for transactions, after the one Elle's tests use: "ax1"
// appends 1 to x, "rx12" reads x = [1 2], "rx" reads x (empty, or not yet
// known); for rw-register "wx1" writes 1, "rx1" reads 1, "rx_" reads nil.
// Keys are the letters x, y, z, t, u; values single digits.
func mopsOf(s string, lists bool) []any {
	var out []any
	var cur []any
	flush := func() {
		if cur != nil {
			if len(cur) == 2 {
				cur = append(cur, nil)
			}
			out = append(out, cur)
		}
	}
	for _, c := range s {
		switch {
		case c == 'a' || c == 'r' || c == 'w':
			flush()
			cur = []any{map[rune]string{'a': "append", 'r': "r", 'w': "w"}[c]}
		case strings.ContainsRune("xyztu", c):
			cur = append(cur, string(c))
		case c == '_':
			cur = append(cur, nil)
		case c >= '0' && c <= '9':
			v := int64(c - '0')
			switch {
			case cur[0] == "r" && lists && len(cur) == 3:
				cur[2] = append(cur[2].([]any), v)
			case cur[0] == "r" && lists:
				cur = append(cur, []any{v})
			default:
				cur = append(cur, v)
			}
		default:
			panic("bad shorthand " + s)
		}
	}
	flush()
	return out
}

// rec is one record of a test history.
type rec struct {
	p   int64
	typ history.Type
	txn string
}

// ok is a committed transaction of process 0 given by its completion only,
// as most of Elle's tests write them.
func ok(s string) []rec { return []rec{{0, history.OK, s}} }

// done is a completion only, of the given process and type.
func done(p int64, typ history.Type, s string) []rec { return []rec{{p, typ, s}} }

// pair is an invocation and its ok completion.
func pair(p int64, s string) []rec { return []rec{{p, history.Invoke, s}, {p, history.OK, s}} }

// inv is an invocation alone; fin an ok completion alone.
func inv(p int64, s string) []rec { return []rec{{p, history.Invoke, s}} }
func fin(p int64, s string) []rec { return []rec{{p, history.OK, s}} }

// hist builds a history: an invocation's reads carry no value.
func hist(lists bool, parts ...[]rec) history.History {
	var h history.History
	for _, part := range parts {
		for _, r := range part {
			v := mopsOf(r.txn, lists)
			if r.typ == history.Invoke {
				for _, m := range v {
					if m := m.([]any); m[0] == "r" {
						m[2] = nil
					}
				}
			}
			h = append(h, history.Op{Index: int64(len(h)), Time: int64(len(h)), Process: history.Process(r.p), Type: r.typ, F: "txn", Value: v})
		}
	}
	return h
}

func check(t *testing.T, h history.History, opts Options) Result {
	t.Helper()
	res, err := Check(context.Background(), h, opts)
	if err != nil {
		t.Fatal(err)
	}
	verify(t, h, res)
	return res
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
