package checker

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/history"
)

// fuzzSeeds are small histories of every model, in EDN.
var fuzzSeeds = []string{
	"[{:process 0 :type :invoke :f :write :value 1} {:process 0 :type :ok :f :write :value 1} {:process 1 :type :invoke :f :read} {:process 1 :type :ok :f :read :value 2}]",
	"[{:process 0 :type :invoke :f :cas :value [0 1]} {:process 0 :type :fail :f :cas :value [0 1] :error :mismatch}]",
	"[{:process 0 :type :invoke :f :add :value 1} {:process 1 :type :invoke :f :read} {:process 1 :type :ok :f :read :value [1]} {:process 0 :type :info :f :add :value 1}]",
	"[{:process 0 :type :invoke :f :enqueue :value 1} {:process 0 :type :ok :f :enqueue :value 1} {:process 1 :type :invoke :f :drain} {:process 1 :type :ok :f :drain :value []}]",
	"[{:process 0 :type :invoke :f :acquire} {:process 0 :type :ok :f :acquire :value 3} {:process 1 :type :invoke :f :acquire} {:process 1 :type :ok :f :acquire :value 2}]",
	"[{:process 0 :type :invoke :f :txn :value [[:write :x 1]]} {:process 0 :type :ok :f :txn :value [[:write :x 1]]} {:process 1 :type :invoke :f :txn :value [[:read :x nil]]} {:process 1 :type :ok :f :txn :value [[:read :x 2]]}]",
	"[{:process 0 :type :invoke :f :append :key \"k\" :value \"a\"} {:process 1 :type :invoke :f :get :key \"k\"} {:process 1 :type :ok :f :get :key \"k\" :value \"b\"}]",
	"[{:process 0 :type :invoke :f :add :value 1} {:process 0 :type :ok :f :add :value 1} {:process 1 :type :invoke :f :read} {:process 1 :type :ok :f :read :value 0} {:process :nemesis :type :info :f :start-partition :value \"halves\"}]",
}

// fuzzHistory reads a fuzz input as EDN, keeping histories small enough
// that a search ends.
func fuzzHistory(data []byte) (history.History, bool) {
	h, _, err := history.ReadBytes(data, "fuzz", history.FormatEDN)
	return h, err == nil && len(h) <= 40
}

// fuzzLimit turns a fuzz input into a time limit from 1 µs to about 65 ms:
// tiny limits reach every phase's handling of a stop.
func fuzzLimit(us uint16) time.Duration { return time.Duration(us)*time.Microsecond + time.Microsecond }

// FuzzCheck feeds any history the EDN reader accepts to every model, with
// time limits from tiny to ample: Check may reject it with an error, never
// panic; what it says holds together (an unknown verdict says why, and a
// failure has a witness that is itself not linearizable and an anomaly
// that, when a limit cut the search short, names nothing it did not prove).
func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint16(200))
		f.Add([]byte(s), uint16(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, us uint16) {
		h, ok := fuzzHistory(data)
		if !ok {
			return
		}
		for _, m := range Models() {
			for _, init := range []any{nil, int64(0), ""} {
				opts := Options{Model: m, Init: init, Timeout: fuzzLimit(us)}
				res, err := Check(context.Background(), h, opts)
				if err != nil {
					continue
				}
				_ = FormatText(res)
				switch res.Verdict {
				case Unknown:
					if res.Reason == "" || res.Prefix != -1 || res.Witness != nil {
						t.Fatalf("%s: unknown with reason %q, prefix %d, %d witness records", m, res.Reason, res.Prefix, len(res.Witness))
					}
					continue
				case Linearizable:
					if res.Prefix != len(h) {
						t.Fatalf("%s: linearizable, prefix %d of %d", m, res.Prefix, len(h))
					}
					continue
				}
				if res.Anomaly == "" || len(res.Witness) == 0 {
					t.Fatalf("%s: a failure without an anomaly or witness: %+v", m, res)
				}
				if !res.WitnessMinimal && res.Reason == "" {
					t.Fatalf("%s: a witness not minimal, and no reason", m)
				}
				again, err := Check(context.Background(), res.Witness, Options{Model: m, Init: init, Timeout: time.Second})
				if err != nil || again.Verdict == Linearizable {
					t.Fatalf("%s init %v: witness is %s (%v)\n%v", m, init, again.Verdict, err, res.Witness)
				}
			}
		}
	})
}

// FuzzWriteHTML writes the page for any history, with time limits from
// tiny to ample: it is written whole from a finished search, or not at
// all with ErrHTMLUnfinished; never a panic (porcupine's visualisation
// panics on a search that stopped part-way).
func FuzzWriteHTML(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint16(500))
		f.Add([]byte(s), uint16(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, us uint16) {
		h, ok := fuzzHistory(data)
		if !ok {
			return
		}
		m := GuessModel(h)
		opts := Options{Model: m, Timeout: fuzzLimit(us)}
		res, err := Check(context.Background(), h, opts)
		if err != nil {
			return
		}
		var page bytes.Buffer
		err = WriteHTML(context.Background(), &page, h, res, opts)
		switch {
		case errors.Is(err, ErrHTMLUnfinished):
			if page.Len() != 0 {
				t.Fatalf("an unfinished page wrote %d bytes", page.Len())
			}
		case err != nil:
			t.Fatalf("%s: %v", m, err)
		case !strings.Contains(page.String(), "<html"):
			t.Fatalf("%s: the page is not HTML", m)
		}
	})
}
