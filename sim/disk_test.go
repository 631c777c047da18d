package sim

import (
	"reflect"
	"testing"
)

func TestDiskPutAndGetCopy(t *testing.T) {
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

func TestDiskLoadAndCrash(t *testing.T) {
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
