package checker

import (
	"context"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/history"
)

// FuzzCheck feeds any history the EDN reader accepts to every model: Check
// may reject it with an error, never panic; a failure has a witness that
// is itself not linearizable.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"[{:process 0 :type :invoke :f :write :value 1} {:process 0 :type :ok :f :write :value 1} {:process 1 :type :invoke :f :read} {:process 1 :type :ok :f :read :value 2}]",
		"[{:process 0 :type :invoke :f :cas :value [0 1]} {:process 0 :type :fail :f :cas :value [0 1] :error :mismatch}]",
		"[{:process 0 :type :invoke :f :add :value 1} {:process 1 :type :invoke :f :read} {:process 1 :type :ok :f :read :value [1]} {:process 0 :type :info :f :add :value 1}]",
		"[{:process 0 :type :invoke :f :enqueue :value 1} {:process 0 :type :ok :f :enqueue :value 1} {:process 1 :type :invoke :f :drain} {:process 1 :type :ok :f :drain :value []}]",
		"[{:process 0 :type :invoke :f :acquire} {:process 0 :type :ok :f :acquire :value 3} {:process 1 :type :invoke :f :acquire} {:process 1 :type :ok :f :acquire :value 2}]",
		"[{:process 0 :type :invoke :f :txn :value [[:write :x 1]]} {:process 0 :type :ok :f :txn :value [[:write :x 1]]} {:process 1 :type :invoke :f :txn :value [[:read :x nil]]} {:process 1 :type :ok :f :txn :value [[:read :x 2]]}]",
		"[{:process 0 :type :invoke :f :append :key \"k\" :value \"a\"} {:process 1 :type :invoke :f :get :key \"k\"} {:process 1 :type :ok :f :get :key \"k\" :value \"b\"}]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, _, err := history.ReadBytes(data, "fuzz", history.FormatEDN)
		if err != nil || len(h) > 40 {
			return
		}
		for _, m := range Models() {
			for _, init := range []any{nil, int64(0), ""} {
				opts := Options{Model: m, Init: init, Timeout: 200 * time.Millisecond}
				res, err := Check(context.Background(), h, opts)
				if err != nil || res.Verdict != NotLinearizable || !res.WitnessMinimal {
					continue
				}
				_ = FormatText(res)
				again, err := Check(context.Background(), res.Witness, opts)
				if err != nil || again.Verdict == Linearizable {
					t.Fatalf("%s init %v: witness is %s (%v)\n%v", m, init, again.Verdict, err, res.Witness)
				}
			}
		}
	})
}
