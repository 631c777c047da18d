package sim

import (
	"maps"
	"reflect"
	"slices"
	"sync"
)

// Disk is a node's stable storage. Put writes to the page cache; Sync makes
// every write so far durable. A crash keeps only what was synced.
//
// A disk holds copies: Put stores a deep copy of its value and Get returns
// one, so nothing a node does to its own data later reaches the disk
// without a Put, as with real bytes on a real disk. Values are plain data
// (numbers, strings, slices, maps, pointers and structs of exported fields).
type Disk struct {
	durable map[string]any
	pending map[string]any // a nil value is a pending delete
	order   []string       // keys of pending in write order, for deterministic sync
}

// NewDisk is an empty disk.
func NewDisk() *Disk {
	return &Disk{durable: map[string]any{}, pending: map[string]any{}}
}

// Put writes a copy of value; it is lost on crash until Sync.
func (d *Disk) Put(key string, value any) { d.write(key, deepCopy(value)) }

// Delete removes a key; the removal too is lost on crash until Sync.
func (d *Disk) Delete(key string) { d.write(key, nil) }

func (d *Disk) write(key string, v any) {
	if _, seen := d.pending[key]; !seen {
		d.order = append(d.order, key)
	}
	d.pending[key] = v
}

// Get reads a copy of the newest value written, synced or not.
func (d *Disk) Get(key string) (any, bool) {
	v, ok := d.pending[key]
	if !ok {
		v, ok = d.durable[key]
	}
	if !ok || v == nil {
		return nil, false
	}
	return deepCopy(v), true
}

// Load sets *into to the newest value written under key, if there is one
// (a value of another type than T is a programming error: it panics).
func Load[T any](d *Disk, key string, into *T) bool {
	v, ok := d.Get(key)
	if ok {
		*into = v.(T)
	}
	return ok
}

// Sync makes every write so far durable (fsync).
func (d *Disk) Sync() {
	for _, k := range d.order {
		if v := d.pending[k]; v != nil {
			d.durable[k] = v
		} else {
			delete(d.durable, k)
		}
	}
	clear(d.pending)
	d.order = d.order[:0]
}

// Unsynced is the number of keys written since the last sync.
func (d *Disk) Unsynced() int { return len(d.order) }

// Keys lists the keys a Get would find, sorted.
func (d *Disk) Keys() []string {
	var out []string
	for k := range d.durable {
		if v, ok := d.pending[k]; !ok || v != nil {
			out = append(out, k)
		}
	}
	for k, v := range d.pending {
		if _, old := d.durable[k]; !old && v != nil {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Crash drops unsynced writes (a power cut: the page cache is gone) and
// returns how many were lost.
func (d *Disk) Crash() int {
	n := len(d.order)
	clear(d.pending)
	d.order = d.order[:0]
	return n
}

// A Cloner copies itself for the disk, as deeply as Put would copy it, but
// without reflection: for the values a node stores on every write (a log
// entry, where reflection cost a sixth of a run). Its clone shares nothing
// a node could change later and has the Cloner's own type (a clone of
// another type is not used); the type's tests hold Clone to its fields.
type Cloner interface{ Clone() any }

// DeepCopy is the copy Disk.Put stores of v, for a Cloner's fields of any
// type. Not for the Cloner itself: on it, DeepCopy calls Clone.
func DeepCopy(v any) any { return deepCopy(v) }

// deepCopy copies plain data. A nil value stays nil (Put(k, nil) stores a
// nil that Get reports as absent, like Delete).
func deepCopy(v any) any {
	if v == nil {
		return nil
	}
	switch x := v.(type) { // the common cases, without reflection
	case int64, string, bool, float64, int:
		return x
	case map[string]int64:
		return maps.Clone(x)
	case []int64:
		return slices.Clone(x)
	case []any: // a cas's [from to], a transaction's micro-operations
		if x == nil {
			return x
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = deepCopy(e)
		}
		return out
	case Cloner:
		if c := x.Clone(); reflect.TypeOf(c) == reflect.TypeOf(v) {
			return c
		}
	}
	rv := reflect.ValueOf(v)
	if !needsCopy(rv) {
		// An interface holds its own copy of a value: when nothing in it
		// refers to data a node could change later, it is the copy.
		return v
	}
	return copyValue(rv).Interface()
}

// needsCopy reports whether v refers to data a node could still change: a
// slice, map or pointer that is not nil, in an exported field or under an
// interface. Most values a node stores (a log entry whose operation holds
// a number) refer to none, and are stored as they are.
func needsCopy(v reflect.Value) bool {
	info := infoOf(v.Type())
	if info.shared {
		return false
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer:
		return !v.IsNil()
	case reflect.Interface:
		return !v.IsNil() && needsCopy(v.Elem())
	case reflect.Struct:
		for _, i := range info.deep {
			if needsCopy(v.Field(i)) {
				return true
			}
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if needsCopy(v.Index(i)) {
				return true
			}
		}
	}
	return false
}

// typeInfos caches what copyValue and needsCopy need of a type:
// reflect.Type → *typeInfo.
var typeInfos sync.Map

type typeInfo struct {
	shared bool  // a value of the type can be stored as it is
	deep   []int // a struct's exported fields that must be copied
}

// shared reports whether a value of type t can be stored as it is: it
// holds no slice, map, pointer or interface that copyValue would copy
// (numbers, strings, and arrays and structs of them), so no later change
// to the original can reach the copy.
func shared(t reflect.Type) bool { return infoOf(t).shared }

func infoOf(t reflect.Type) *typeInfo {
	if v, ok := typeInfos.Load(t); ok {
		return v.(*typeInfo)
	}
	info := &typeInfo{shared: true}
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		info.shared = false
	case reflect.Array:
		info.shared = shared(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			// Unexported fields are copied shallowly.
			if f := t.Field(i); f.IsExported() && !shared(f.Type) {
				info.deep = append(info.deep, i)
			}
		}
		info.shared = len(info.deep) == 0
	}
	typeInfos.Store(t, info)
	return info
}

func copyValue(v reflect.Value) reflect.Value {
	info := infoOf(v.Type())
	if info.shared {
		return v
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(copyValue(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			out.SetMapIndex(it.Key(), copyValue(it.Value()))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(copyValue(v.Elem()))
		return out
	case reflect.Interface:
		if v.IsNil() || shared(v.Elem().Type()) {
			// An interface holding a plain value holds its own copy.
			return v
		}
		// deepCopy, so that its cases without reflection (a Cloner, a
		// list) serve at every depth.
		out := reflect.New(v.Type()).Elem()
		out.Set(reflect.ValueOf(deepCopy(v.Elem().Interface())))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields are copied shallowly
		for _, i := range info.deep {
			out.Field(i).Set(copyValue(v.Field(i)))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(copyValue(v.Index(i)))
		}
		return out
	}
	return v
}
