package sim

import (
	"reflect"
	"testing"
)

func TestDiskPutAndGetCopy(t *testing.T) {
	t.Parallel()
	d := NewDisk()
	m := map[string][]int64{"a": {1, 2}}
	d.Put("m", m)
	m["a"][0] = 99 // a node changes its own data after the Put
	m["b"] = nil
	got, _ := d.Get("m")
	want := map[string][]int64{"a": {1, 2}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the node changed its map the disk holds %v, want %v", got, want)
	}
	got.(map[string][]int64)["a"][1] = 7 // and changes what it read
	if again, _ := d.Get("m"); !reflect.DeepEqual(again, want) {
		t.Fatalf("changing what Get returned reached the disk: %v", again)
	}
}

// The values stored without reflection (a map of counts, a slice of
// numbers) or as they are (a struct of plain fields) are copies too, and
// a struct that holds a slice or an interface is still copied deeply.
func TestDiskCopiesEveryShape(t *testing.T) {
	t.Parallel()
	type plain struct {
		A int64
		B [2]string
	}
	type nested struct {
		P    plain
		Ids  []int64
		Any  any
		hide []int64 // unexported: copied shallowly, like a real encoder skips it
	}
	counts, ids := map[string]int64{"c1": 1}, []int64{1, 2}
	n := nested{P: plain{A: 1, B: [2]string{"x", "y"}}, Ids: []int64{3}, Any: []int64{4}}
	d := NewDisk()
	d.Put("counts", counts)
	d.Put("ids", ids)
	d.Put("plain", n.P)
	d.Put("nested", n)
	counts["c1"], ids[0], n.P.A, n.Ids[0] = 9, 9, 9, 9
	n.Any.([]int64)[0] = 9
	for key, want := range map[string]any{
		"counts": map[string]int64{"c1": 1},
		"ids":    []int64{1, 2},
		"plain":  plain{A: 1, B: [2]string{"x", "y"}},
		"nested": nested{P: plain{A: 1, B: [2]string{"x", "y"}}, Ids: []int64{3}, Any: []int64{4}},
	} {
		if got, _ := d.Get(key); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: after the node changed its data the disk holds %#v, want %#v", key, got, want)
		}
	}
	got, _ := d.Get("counts")
	got.(map[string]int64)["c1"] = 7
	if again, _ := d.Get("counts"); again.(map[string]int64)["c1"] != 1 {
		t.Errorf("changing what Get returned reached the disk: %v", again)
	}
}

func TestDiskLoadAndCrash(t *testing.T) {
	t.Parallel()
	d := NewDisk()
	var n int64 = 5
	if Load(d, "n", &n) || n != 5 {
		t.Fatalf("Load of a missing key: %v, n = %d", true, n)
	}
	d.Put("n", int64(3))
	d.Sync()
	d.Put("n", int64(4))
	if !Load(d, "n", &n) || n != 4 {
		t.Fatalf("Load before the crash: n = %d, want the unsynced 4", n)
	}
	if lost := d.Crash(); lost != 1 {
		t.Fatalf("crash lost %d writes, want 1", lost)
	}
	if !Load(d, "n", &n) || n != 3 {
		t.Fatalf("Load after the crash: n = %d, want the synced 3", n)
	}
}

// cloned is a Cloner that says it was cloned, so the test can see that Put
// used its Clone rather than reflection.
type cloned struct {
	Req  Request
	Done bool
}

func (c cloned) Clone() any {
	c.Req, c.Done = c.Req.Clone(), true
	return c
}

// A Cloner is copied by its own Clone, alone or under an interface in a
// struct, but never into another type (a *cloned's Clone gives a cloned);
// a []any (a cas's values) is copied deeply and a nil one stays nil; a
// struct that refers to nothing a node could change is stored as it is,
// and reads back equal.
func TestDiskCopiesClonersAndLists(t *testing.T) {
	t.Parallel()
	type holder struct{ V any }
	type flat struct {
		Req  Request
		Tags []string
	}
	d := NewDisk()
	vals := []any{int64(1), []int64{2}}
	c := cloned{Req: Request{F: "cas", Value: vals}}
	d.Put("cloned", c)
	d.Put("held", holder{V: c})
	d.Put("pointer", &cloned{Req: Request{Value: []any{int64(1)}}})
	d.Put("list", vals)
	d.Put("nil", []any(nil))
	d.Put("flat", flat{Req: Request{F: "write", Value: int64(3)}})
	vals[0] = int64(9)
	vals[1].([]int64)[0] = 9
	want := []any{int64(1), []int64{2}}
	got, _ := d.Get("cloned")
	if g := got.(cloned); !g.Done || !reflect.DeepEqual(g.Req.Value, want) {
		t.Errorf("a Cloner on disk: %#v, want its own clone of cas [1 [2]]", g)
	}
	got, _ = d.Get("held")
	if g := got.(holder).V.(cloned); !g.Done || !reflect.DeepEqual(g.Req.Value, want) {
		t.Errorf("a Cloner in a struct on disk: %#v, want its own clone of cas [1 [2]]", g)
	}
	if got, _ := d.Get("pointer"); reflect.TypeOf(got) != reflect.TypeFor[*cloned]() || got.(*cloned).Done {
		t.Errorf("a *cloned came back as %#v, want a *cloned copied by reflection", got)
	}
	if got, _ := d.Get("list"); !reflect.DeepEqual(got, want) {
		t.Errorf("a list on disk after the node changed it: %#v", got)
	}
	if got, _ := d.Get("nil"); got.([]any) != nil {
		t.Errorf("a nil list came back as %#v", got)
	}
	if got, _ := d.Get("flat"); !reflect.DeepEqual(got, flat{Req: Request{F: "write", Value: int64(3)}}) {
		t.Errorf("a struct of plain values on disk: %#v", got)
	}
	for _, c := range []struct {
		v    flat
		want bool
	}{
		{flat{Req: Request{Value: int64(1)}}, false},
		{flat{Req: Request{Value: []any{}}}, true},
		{flat{Tags: []string{"a"}}, true},
		{flat{Req: Request{Value: plainPair{}}}, false},
	} {
		if got := needsCopy(reflect.ValueOf(c.v)); got != c.want {
			t.Errorf("needsCopy(%#v) = %v, want %v", c.v, got, c.want)
		}
	}
}

type plainPair struct{ A, B int64 }
