package checker

import (
	"context"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// orderHist builds a history from (process, type, f, value) records, numbered
// and timed in order.
func orderHist(recs ...history.Op) history.History {
	h := history.History(recs)
	for i := range h {
		h[i].Index, h[i].Time = int64(i), int64(i+1)*1000
	}
	return h
}

func orderRec(p int, t history.Type, f string, v any) history.Op {
	if n, ok := v.(int); ok {
		v = int64(n)
	}
	return history.Op{Process: history.Process(p), Type: t, F: f, Value: v}
}

func TestLinearizationOrderOfALinearizableHistory(t *testing.T) {
	t.Parallel()
	// p0 writes 1 while p1 reads 1; then p1 writes 2 and p0 reads 2.
	h := orderHist(
		orderRec(0, history.Invoke, "write", 1),
		orderRec(1, history.Invoke, "read", nil),
		orderRec(1, history.OK, "read", 1),
		orderRec(0, history.OK, "write", 1),
		orderRec(1, history.Invoke, "write", 2),
		orderRec(1, history.OK, "write", 2),
		orderRec(0, history.Invoke, "read", nil),
		orderRec(0, history.OK, "read", 2),
		orderRec(2, history.Invoke, "write", 9),
		orderRec(2, history.Fail, "write", 9),
	)
	orders, err := LinearizationOrder(context.Background(), h, Options{Model: "register"})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1 {
		t.Fatalf("%d orders, want one part", len(orders))
	}
	o := orders[0]
	if !o.Linearizable || o.Unknown || o.Records != len(h) {
		t.Fatalf("order %+v: want the whole history explained", o)
	}
	want := []struct{ op, before, after string }{
		{"write 1", "nil", "1"},
		{"read → 1", "1", "1"},
		{"write 2", "1", "2"},
		{"read → 2", "2", "2"},
	}
	if len(o.Steps) != len(want) {
		t.Fatalf("steps %+v, want %d (the failed write is in no order)", o.Steps, len(want))
	}
	for i, w := range want {
		s := o.Steps[i]
		if s.Op != w.op || s.Before != w.before || s.After != w.after {
			t.Errorf("step %d = %q %s→%s, want %q %s→%s", i, s.Op, s.Before, s.After, w.op, w.before, w.after)
		}
		if s.Completion == nil {
			t.Errorf("step %d has no completion", i)
		}
	}
	if o.Steps[0].Invoke.Index != 0 || o.Steps[1].Invoke.Index != 1 {
		t.Errorf("steps do not point at their invocations: %d %d", o.Steps[0].Invoke.Index, o.Steps[1].Invoke.Index)
	}
}

func TestLinearizationOrderStopsAtTheLongestLinearizablePrefix(t *testing.T) {
	t.Parallel()
	// A stale read: 2 is written after 1, then a read returns 1.
	h := orderHist(
		orderRec(0, history.Invoke, "write", 1),
		orderRec(0, history.OK, "write", 1),
		orderRec(1, history.Invoke, "write", 2),
		orderRec(1, history.OK, "write", 2),
		orderRec(0, history.Invoke, "read", nil),
		orderRec(0, history.OK, "read", 1),
		orderRec(1, history.Invoke, "read", nil),
		orderRec(1, history.OK, "read", 2),
	)
	res, err := Check(context.Background(), h, Options{Model: "register"})
	if err != nil || res.Verdict != NotLinearizable {
		t.Fatalf("%v %v", res.Verdict, err)
	}
	orders, err := LinearizationOrder(context.Background(), h, Options{Model: "register"})
	if err != nil {
		t.Fatal(err)
	}
	o := orders[0]
	if o.Linearizable || o.Unknown {
		t.Fatalf("order %+v: want a prefix", o)
	}
	if o.Records != res.Prefix {
		t.Errorf("order explains %d records, the checker's prefix is %d", o.Records, res.Prefix)
	}
	for _, s := range o.Steps {
		if s.Invoke.Index >= 4 && s.Completion != nil {
			t.Errorf("the stale read's completion is in the order: %+v", s)
		}
	}
	if len(o.Steps) != 2 || o.Steps[1].After != "2" {
		t.Errorf("steps %+v, want the two writes ending in 2", o.Steps)
	}
}

func TestLinearizationOrderPerKey(t *testing.T) {
	t.Parallel()
	k := func(key string, o history.Op) history.Op { o.Key = key; return o }
	h := orderHist(
		k("x", orderRec(0, history.Invoke, "write", 1)),
		k("x", orderRec(0, history.OK, "write", 1)),
		k("y", orderRec(1, history.Invoke, "write", 5)),
		k("y", orderRec(1, history.OK, "write", 5)),
		k("y", orderRec(0, history.Invoke, "read", nil)),
		k("y", orderRec(0, history.OK, "read", 5)),
	)
	orders, err := LinearizationOrder(context.Background(), h, Options{Model: "kv"})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 2 || orders[0].Key != "x" || orders[1].Key != "y" {
		t.Fatalf("orders %+v, want x then y", orders)
	}
	if len(orders[1].Steps) != 2 || orders[1].Steps[1].Before != "5" {
		t.Errorf("y's order %+v", orders[1].Steps)
	}
}

func TestLinearizationOrderCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := orderHist(orderRec(0, history.Invoke, "write", 1), orderRec(0, history.OK, "write", 1))
	orders, err := LinearizationOrder(ctx, h, Options{Model: "register"})
	if err != nil {
		t.Fatal(err)
	}
	if !orders[0].Unknown || len(orders[0].Steps) != 0 {
		t.Errorf("a cancelled search gave %+v", orders[0])
	}
}
