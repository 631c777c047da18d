package history

import (
	"bytes"
	"testing"
)

// The transactional reader, on any input: no panic; errors name the input;
// a history it reads either pairs into transactions or says which record
// does not, and survives the EDN round trip with the same transactions.
func FuzzReadTxns(f *testing.F) {
	addSeeds(f)
	for _, s := range []string{
		"{:index 0 :type :invoke :value [[:append 253 1] [:r 255 nil]]}\n{:index 1 :type :ok :value [[:append 253 1] [:r 255 [2 3]]]}",
		"{:type :ok, :f :txn, :value [[:r :x [1 2]] [:append :y 3]], :process 10, :time 5, :index 2}",
		`{"process":0,"type":"invoke","f":"txn","value":[["w","x",1],["r","y",null]]}` + "\n" + `{"process":0,"type":"ok","f":"txn","value":[["w","x",1],["r","y",2]]}`,
		"[{:process 0 :type :ok :f :txn :value [[:r [:anti 3] nil] [:append :x :first]]}]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, _, err := ReadTxnBytes(data, "fuzz", "auto")
		checkRead(t, h, err)
		if err != nil {
			return
		}
		txns, err := Txns(h)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if WriteEDN(&buf, h) != nil {
			return
		}
		back, _, err := ReadTxnBytes(buf.Bytes(), "fuzz", "edn")
		if err != nil {
			t.Fatalf("reading back: %v\n%s", err, buf.String())
		}
		again, err := Txns(back)
		if err != nil || len(again) != len(txns) {
			t.Fatalf("round trip: %d transactions, then %d (%v)", len(txns), len(again), err)
		}
		for i := range txns {
			if Format(TxnValue(txns[i].Mops)) != Format(TxnValue(again[i].Mops)) {
				t.Fatalf("transaction %d: %s, then %s", i, Format(TxnValue(txns[i].Mops)), Format(TxnValue(again[i].Mops)))
			}
		}
	})
}
