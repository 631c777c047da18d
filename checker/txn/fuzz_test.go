package txn

import (
	"context"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// The checker on any history: no panic, and every cycle it reports holds
// up against the records (verify).

func FuzzCheckText(f *testing.F) {
	for _, s := range []string{
		"{:index 0 :type :invoke :value [[:append 253 1] [:r 255 nil]]}\n{:index 1 :type :ok :value [[:append 253 1] [:r 255 [2 3]]]}",
		"{:process 0 :type :ok :f :txn :value [[:append :x 1] [:r :y [1]]]}\n{:process 1 :type :ok :f :txn :value [[:append :x 2] [:append :y 1]]}\n{:process 2 :type :ok :f :txn :value [[:r :x [1 2]]]}",
		"{:process 0 :type :ok :f :txn :value [[:r :x 1] [:w :y 1]]}\n{:process 1 :type :ok :f :txn :value [[:r :y 1] [:w :x 1]]}",
		"{:process 0 :type :fail :f :txn :value [[:w :x 1]]}\n{:process 1 :type :ok :f :txn :value [[:r :x 1] [:r :x nil]]}",
		"[{:process 0 :type :invoke :f :txn :value [[:r :x nil] [:append :x 1]]} {:process 1 :type :invoke :f :txn :value [[:r :x nil] [:append :x 2]]} {:process 0 :type :ok :f :txn :value [[:r :x [0]] [:append :x 1]]} {:process 1 :type :ok :f :txn :value [[:r :x [0]] [:append :x 2]]}]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, _, err := history.ReadTxnBytes(data, "fuzz", "auto")
		if err != nil {
			return
		}
		checkAny(t, h)
	})
}

// FuzzCheckTxns builds small transactional histories from bytes — three a
// micro-operation — so that the fuzzer explores shapes of histories rather
// than of text.
func FuzzCheckTxns(f *testing.F) {
	f.Add([]byte{0x10, 0x01, 0x01, 0x00, 0x02, 0x01, 0x91, 0x12, 0x02, 0x01, 0x02, 0x01})
	f.Add([]byte{0x20, 0x11, 0x05, 0xa0, 0x02, 0x03, 0x30, 0x12, 0x05, 0x40, 0x01, 0x07})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, lists := range []bool{true, false} {
			checkAny(t, txnsFromBytes(data, lists))
		}
	})
}

// txnsFromBytes decodes a history: each byte triple is a micro-operation
// (a read or a write of one of four keys, a value below 16); the high bits
// of its first byte start a new transaction of some process and type, or
// an invocation, or a read of something other than the right state.
func txnsFromBytes(data []byte, lists bool) history.History {
	var h history.History
	var cur []any
	proc, typ := int64(0), history.OK
	flush := func() {
		if cur != nil {
			h = append(h, history.Op{Index: int64(len(h)), Process: history.Process(proc), Type: typ, F: "txn", Value: cur})
		}
		cur = nil
	}
	for i := 0; i+2 < len(data); i += 3 {
		a, b, c := data[i], data[i+1], data[i+2]
		if a&0xf0 != 0 || cur == nil {
			flush()
			proc = int64(a>>4) % 5
			typ = []history.Type{history.OK, history.OK, history.Info, history.Fail, history.Invoke}[int(a>>4)%5]
		}
		key := int64(b % 4)
		val := int64(c % 16)
		switch {
		case b&0x10 == 0 && lists:
			cur = append(cur, []any{"append", key, val})
		case b&0x10 == 0:
			cur = append(cur, []any{"w", key, val})
		case lists && typ != history.Invoke:
			var l []any
			for v := range val % 5 {
				l = append(l, int64(c>>4)+v)
			}
			cur = append(cur, []any{"r", key, l})
		case typ != history.Invoke && c&0x80 == 0:
			cur = append(cur, []any{"r", key, val})
		default:
			cur = append(cur, []any{"r", key, nil})
		}
	}
	flush()
	return h
}

func checkAny(t *testing.T, h history.History) {
	for _, wl := range Workloads() {
		for _, elle := range []bool{false, true} {
			res, err := Check(context.Background(), h, Options{Workload: wl, ElleOrders: elle, Budget: 100_000})
			if err != nil {
				continue
			}
			verify(t, h, res)
			if res.Verdict == "" || res.Explanation == "" {
				t.Fatalf("no verdict or explanation: %+v", res)
			}
		}
	}
}
