package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/faultline-lab/faultline/history"
)

// Fuzz targets for every reader and the detector, each running what it
// read through check to a verdict (with a tiny time limit), its text, its
// JSON and its HTML page: no panic, a clean one-line error or a verdict,
// and never a verdict on a history with no operation read.
//
//	go test -fuzz FuzzCheckAuto -fuzztime 60s .
//
// A crasher found becomes a file under testdata/fuzz/<target>/.

var fuzzSeeds = []string{
	okRead,
	`{"index":0,"time":1,"process":3,"type":"invoke","f":"cas","value":[1,2]}` + "\n" + `{"index":1,"time":2,"process":3,"type":"fail","f":"cas","value":[1,2]}` + "\n",
	`{"process":0,"type":"invoke","f":"write","value":1}` + "\n" + `{"process":1,"type":"invoke","f":"read"}` + "\n" + `{"process":1,"type":"ok","f":"read","value":2}` + "\n" + `{"process":0,"type":"ok","f":"write","value":1}` + "\n",
	`{"process":0,"type":"invoke","f":"add","value":1}` + "\n" + `{"process":0,"type":"ok","f":"add","value":1}` + "\n" + `{"process":0,"type":"invoke","f":"read"}` + "\n" + `{"process":0,"type":"ok","f":"read","value":[1]}` + "\n",
	"\xef\xbb\xbf" + okRead,
	"[{:process 0, :type :invoke, :f :write, :value 3}\n {:process 0, :type :ok, :f :write, :value 3}\n {:process 1, :type :invoke, :f :read, :value nil}\n {:process 1, :type :ok, :f :read, :value 4}]",
	"{:index 0 :process :nemesis :type :info :f :start :value #{:n1 :n2}}\n{:index 1 :process 1 :type :invoke :f :txn :value [[:read :x nil] [:write :y 2]]}\n{:index 2 :process 1 :type :ok :f :txn :value [[:read :x 1] [:write :y 2]]}",
	"({:type :invoke, :f :acquire, :process 1} {:type :ok, :f :acquire, :process 1, :value 1})",
	"INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\t3\n",
	"INFO  jepsen.util - 2   :invoke :cas    [1 2]\nINFO  jepsen.util - 2   :fail   :cas    [1 2]\nINFO  jepsen.util - 4\t:invoke\t:write\t1\nINFO  jepsen.util - 4\t:info\t:write\t:timed-out\n",
	"some noise\nINFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t1\n",
	`{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}` + "\n" + `{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}` + "\n" + `{:process 1, :type :invoke, :f :get, :key "0", :value nil}` + "\n" + `{:process 1, :type :ok, :f :get, :key "0", :value ""}`,
	"", "\n", "[]", "{", "[", "\x00", "INFO", "; c\n", `{"process":"nemesis","type":"info","f":"crash"}`,
}

func addFuzzSeeds(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
}

// fuzzCheck runs check on data read as format, and holds the outcome to
// the contract.
func fuzzCheck(t *testing.T, data []byte, format string, asJSON bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req := checkRequest{path: "fuzz", format: format, src: bytes.NewReader(data), json: asJSON, timeout: 20 * time.Millisecond}
	var out bytes.Buffer
	code, err := checkFile(ctx, req, &out)
	if err != nil {
		var ue usageError
		var pe *history.ParseError
		if !errors.As(err, &ue) && !errors.As(err, &pe) || code != exitUsage {
			t.Fatalf("exit %d with %T: %v", code, err, err)
		}
		msg := oneLine(err.Error())
		if len(err.Error()) > 2*maxMessage || !utf8.ValidString(err.Error()) || strings.ContainsAny(err.Error(), "\n\x00") || msg != err.Error() {
			t.Fatalf("not one short clean line: %q", clip(err.Error()))
		}
		if out.Len() > 0 && code == exitUsage {
			t.Fatalf("an input error printed a verdict: %q", clip(out.String()))
		}
		return
	}
	if code < exitOK || code > exitUnknown {
		t.Fatalf("exit %d", code)
	}
	if code == exitUnknown {
		return
	}
	// A verdict: the history it is about was read, operations and all.
	h, _, rerr := history.ReadContext(context.Background(), bytes.NewReader(data), "again", format)
	if rerr != nil || len(h.ClientOps()) == 0 {
		t.Fatalf("verdict (exit %d) on input that reads as %d client records, %v", code, len(h.ClientOps()), rerr)
	}
	if asJSON {
		var j map[string]any
		if err := json.Unmarshal(out.Bytes(), &j); err != nil || j["verdict"] == nil {
			t.Fatalf("--json printed %q: %v", clip(out.String()), err)
		}
	}
}

func fuzzTarget(f *testing.F, format string) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzCheck(t, data, format, len(data)%2 == 1)
	})
}

func FuzzCheckAuto(f *testing.F)    { fuzzTarget(f, history.FormatAuto) }
func FuzzCheckJSONL(f *testing.F)   { fuzzTarget(f, history.FormatJSONL) }
func FuzzCheckEDN(f *testing.F)     { fuzzTarget(f, history.FormatEDN) }
func FuzzCheckEtcdLog(f *testing.F) { fuzzTarget(f, history.FormatEtcdLog) }
func FuzzCheckKVLog(f *testing.F)   { fuzzTarget(f, history.FormatKVLog) }

// The HTML page for what the fuzzers read, once per seed (writing it per
// input would make fuzzing crawl).
func TestFuzzSeedsWriteHTML(t *testing.T) {
	for _, s := range fuzzSeeds {
		req := checkRequest{path: "seed", format: history.FormatAuto, src: strings.NewReader(s), timeout: time.Second}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		var err error
		req.h, req.info, err = readHistory(ctx, req)
		if err != nil || validateHistory(req) != nil {
			cancel()
			continue
		}
		resolveModel(&req)
		out, err := linearizability(ctx, req)
		if err == nil && out.html != nil {
			if err := out.html(io.Discard); err != nil {
				t.Errorf("%q: the HTML page: %v", clip(s), err)
			}
		}
		cancel()
	}
}
