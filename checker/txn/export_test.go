package txn

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/faultline-lab/faultline/history"
)

// A transactional history exported as Jepsen EDN (micro-operations as
// keywords, as Elle reads them) or JSON lines reads back to the same
// history, and checks the same.
func TestExportRoundTrip(t *testing.T) {
	t.Parallel()
	h := simulate(rand.New(rand.NewPCG(14, 7)), 300, 5, true)
	want := check(t, h, Options{Workload: ListAppend})
	for _, c := range []struct {
		format string
		write  func(*bytes.Buffer, history.History) error
	}{
		{history.FormatEDN, func(b *bytes.Buffer, h history.History) error { return history.WriteEDN(b, h) }},
		{history.FormatJSONL, func(b *bytes.Buffer, h history.History) error { return history.WriteJSONL(b, h) }},
	} {
		var buf bytes.Buffer
		if err := c.write(&buf, h); err != nil {
			t.Fatal(err)
		}
		if c.format == history.FormatEDN && !strings.Contains(buf.String(), ":f :txn, :value [[:") {
			t.Fatalf("EDN without keyword micro-operations:\n%.300s", buf.String())
		}
		back, _, err := history.ReadTxnBytes(buf.Bytes(), "export", "auto")
		if err != nil {
			t.Fatal(err)
		}
		got := check(t, back, Options{Workload: ListAppend})
		if fmt.Sprint(got.Anomalies) != fmt.Sprint(want.Anomalies) || got.Explanation != want.Explanation {
			t.Fatalf("%s: checks differently after the round trip:\n%s\n%s", c.format, want.Explanation, got.Explanation)
		}
	}
}
