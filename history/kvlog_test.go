package history

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestReadKVLog(t *testing.T) {
	t.Parallel()
	src := `{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}

{:process 1, :type :invoke, :f :get, :key "0", :value nil}
{:process 1, :type :ok, :f :get, :key "0", :value "x 0 0 y"}
`
	h, err := ReadKVLog(strings.NewReader(src), "kv.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := History{
		{Index: 0, Process: 0, Type: Invoke, F: "append", Key: "0", Value: "x 0 0 y"},
		{Index: 1, Process: 0, Type: OK, F: "append", Key: "0", Value: "x 0 0 y"},
		{Index: 2, Process: 1, Type: Invoke, F: "get", Key: "0"},
		{Index: 3, Process: 1, Type: OK, F: "get", Key: "0", Value: "x 0 0 y"},
	}
	if !reflect.DeepEqual(h, want) {
		t.Fatalf("got\n%#v\nwant\n%#v", h, want)
	}
}

func TestReadKVLogErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src   string
		line  int
		field string
	}{
		{`{:process 0, :type :invoke, :f :append, :key "0", :value "a"}` + "\n" + `{:process 0, :type :ok, :f :cas, :key "0", :value "a"}`, 2, "f"},
		{`{:process 0, :type :invoke, :f :get, :value nil}`, 1, "key"},
		{`{:process 0, :type :invoke, :f :put, :key "0", :value 3}`, 1, "value"},
		{"\n\n" + `{:process 0, :type :invoke, :f :put, :key "0", :value "a"} {}`, 3, ""},
		{`{:process 0, :type :invoke, :f :put, :key "0"`, 1, ""},
	}
	for _, c := range cases {
		_, err := ReadKVLog(strings.NewReader(c.src), "kv.txt")
		var pe *ParseError
		if !errors.As(err, &pe) || pe.File != "kv.txt" || pe.Line != c.line || pe.Field != c.field {
			t.Errorf("%q: got %v, want line %d field %q", c.src, err, c.line, c.field)
		}
	}
}
