package history

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// The helpers the package's tests share: the fuzzers' seeds and what every
// reader's fuzzer checks of what it read.

var fuzzSeeds = []string{
	"[{:process 0, :type :invoke, :f :write, :value 3}\n {:process 0, :type :ok, :f :write, :value 3}]",
	"({:type :invoke, :f :cas, :value [1 4], :process 101, :time 99286665244}\n ; comment\n {:type :fail, :f :cas, :value [1 4], :process 101, :error [:x nil]})",
	"{:index 0 :process :nemesis :type :info :f :start :value #{:n1 :n2}}\n{:index 1 :process 1 :type :invoke :f :txn :value [[:read :x nil] [:write :y 2]]}",
	"[{:process 1 :type :ok :f :read :value {:a 1.5 \"b\" \\c} #_ :ignored}]",
	"[{:process 1 :type :ok :f :read :value #inst \"2020\" :time 12N :node \"n1\"}]",
	"INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t3\n",
	"INFO  jepsen.util - 2   :invoke :cas    [1 2]\nINFO  jepsen.util - 2   :fail   :cas    [1 2]\n",
	"INFO  jepsen.util - 4\t:info\t:write\t:timed-out\n",
	`{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}` + "\n" + `{:process 0, :type :ok, :f :get, :key "0", :value ""}`,
	`{"index":0,"time":1,"process":3,"type":"invoke","f":"write","key":"x","value":[1,2],"node":"n2"}`,
	`{"process":"nemesis","type":"info","f":"crash","value":{"node":"n1"}}`,
	"", "[", "{", "\"", "\\", ":", "#", "##NaN", "[[[[[[[[[[", "[{:process 1e999}]", "[{:a}]",
}

func addSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
}

func checkRead(t *testing.T, h History, err error) {
	t.Helper()
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("error is %T, not *ParseError: %v", err, err)
		}
		if pe.File != "fuzz" {
			t.Fatalf("error does not name the input: %v", err)
		}
		return
	}
	var buf bytes.Buffer
	if werr := WriteEDN(&buf, h); werr != nil {
		return // e.g. NaN values cannot be written; that is reported, not a crash
	}
	back, rerr := ReadEDN(&buf, "fuzz")
	if rerr != nil {
		t.Fatalf("reading back what WriteEDN wrote: %v\n%s", rerr, buf.String())
	}
	if len(h) == 0 && len(back) == 0 {
		return
	}
	if !reflect.DeepEqual(normalized(t, h), back) {
		t.Fatalf("round trip differs:\n%#v\n%#v", h, back)
	}
}

// normalized is h as WriteEDN represents it.
func normalized(t *testing.T, h History) History {
	out := make(History, len(h))
	for i, o := range h {
		v, err := Normalize(o.Value)
		if err != nil {
			t.Fatal(err)
		}
		o.Value = v
		out[i] = o
	}
	return out
}
