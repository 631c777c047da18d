package history

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReadEtcdLog(t *testing.T) {
	t.Parallel()
	src := "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n" +
		"some unrelated log line\n" +
		"INFO  jepsen.util - 1\t:invoke\t:cas\t[1 4]\n" +
		"INFO  jepsen.util - 0\t:fail\t:read\t:timed-out\n" +
		"INFO  jepsen.util - 1\t:fail\t:cas\t[1 4]\n" +
		"INFO  jepsen.util - 2   :invoke :write  3\n" +
		"INFO  jepsen.util - 2   :info   :write  :timed-out\n" +
		"INFO  jepsen.util - 3\t:invoke\t:read\tnil\n" +
		"INFO  jepsen.util - 3\t:ok\t:read\t3\n"
	h, err := ReadEtcdLog(strings.NewReader(src), "etcd.log")
	if err != nil {
		t.Fatal(err)
	}
	want := History{
		{Index: 0, Process: 0, Type: Invoke, F: "read"},
		{Index: 1, Process: 1, Type: Invoke, F: "cas", Value: []any{int64(1), int64(4)}},
		{Index: 2, Process: 0, Type: Info, F: "read", Error: ErrorTimedOut},
		{Index: 3, Process: 1, Type: Fail, F: "cas", Value: []any{int64(1), int64(4)}, Error: ErrorMismatch},
		{Index: 4, Process: 2, Type: Invoke, F: "write", Value: int64(3)},
		{Index: 5, Process: 2, Type: Info, F: "write", Value: int64(3), Error: ErrorTimedOut},
		{Index: 6, Process: 3, Type: Invoke, F: "read"},
		{Index: 7, Process: 3, Type: OK, F: "read", Value: int64(3)},
	}
	if !reflect.DeepEqual(h, want) {
		t.Fatalf("got\n%#v\nwant\n%#v", h, want)
	}
	if _, err := h.Pairs(); err != nil {
		t.Fatal(err)
	}
}

func TestReadEtcdLogErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src   string
		line  int
		field string
	}{
		{"INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - x\t:ok\t:read\t1\n", 2, "process"},
		{"INFO  jepsen.util - 0\t:begin\t:read\tnil\n", 1, "type"},
		{"INFO  jepsen.util - 0\t:invoke\t:read\n", 1, "value"},
		{"INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2\n", 1, "value"},
		{"INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2] junk\n", 1, "value"},
		{"INFO  jepsen.util - 0 :invoke\n", 1, ""},
	}
	for _, c := range cases {
		_, err := ReadEtcdLog(strings.NewReader(c.src), "e.log")
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File != "e.log" || pe.Line != c.line || pe.Field != c.field {
			t.Errorf("%q: got %v, want line %d field %q", c.src, err, c.line, c.field)
		}
	}
}

func TestReadEtcdLogEmpty(t *testing.T) {
	t.Parallel()
	h, err := ReadEtcdLog(strings.NewReader(""), "empty.log")
	if err != nil || h == nil || len(h) != 0 {
		t.Fatalf("got %v %v, want an empty history", h, err)
	}
}
