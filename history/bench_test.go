package history

import (
	"bytes"
	"context"
	"io"
	"testing"
)

// benchHistory is a register history of n operations as a workload writes
// it: two records an operation, a node and a time on each.
func benchHistory(n int) History {
	h := make(History, 0, 2*n)
	for i := 0; i < n; i++ {
		p := Process(i % 5)
		h = append(h,
			Op{Time: int64(2 * i), Process: p, Type: Invoke, F: "write", Value: int64(i), Node: "n1"},
			Op{Time: int64(2*i + 1), Process: p, Type: OK, F: "write", Value: int64(i), Node: "n1"})
	}
	h.Reindex()
	return h
}

// Reading speed and memory per record, for each codec: the figures behind
// MaxInputBytes and MaxRecords (go test -bench Read -benchmem ./history/).
func BenchmarkReadJSONL(b *testing.B) { benchRead(b, WriteJSONL, FormatJSONL) }
func BenchmarkReadEDN(b *testing.B)   { benchRead(b, WriteEDN, FormatEDN) }

func benchRead(b *testing.B, write func(io.Writer, History) error, format string) {
	var buf bytes.Buffer
	if err := write(&buf, benchHistory(100_000)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h, _, err := ReadContext(context.Background(), bytes.NewReader(data), "bench", format)
		if err != nil || len(h) != 200_000 {
			b.Fatal(len(h), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/200_000, "ns/record")
}
