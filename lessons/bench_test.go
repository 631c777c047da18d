package lessons

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/faultline-lab/faultline/sim"
)

// BenchmarkSimSpeed measures simulated seconds per wall-clock second for
// lesson 2 with 5 nodes, 10 clients and partitions (target ≥ 1000×).
func BenchmarkSimSpeed(b *testing.B) {
	l, err := Get("stale-replica-reads")
	if err != nil {
		b.Fatal(err)
	}
	sc, err := l.Scenario(Options{Seed: 1, Nodes: 5, Clients: 10, Ops: 2000, Nemesis: []sim.Nemesis{sim.NemesisPartition, sim.NemesisPartitionOne}, Mix: MixCycle})
	if err != nil {
		b.Fatal(err)
	}
	var virtual int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sc.Seed = uint64(i + 1)
		s, _, err := Run(sc)
		if err != nil {
			b.Fatal(err)
		}
		virtual += s.Now()
	}
	b.ReportMetric(float64(virtual)/float64(b.Elapsed().Nanoseconds()), "sim-s/wall-s")
}

// BenchmarkSimSpeedTraced is the same with the trace on, as the TUI runs it.
func BenchmarkSimSpeedTraced(b *testing.B) {
	l, _ := Get("stale-replica-reads")
	sc, _ := l.Scenario(Options{Seed: 1, Nodes: 5, Clients: 10, Ops: 2000, Nemesis: []sim.Nemesis{sim.NemesisPartition}, Mix: MixCycle, Trace: true})
	var virtual int64
	for i := 0; i < b.N; i++ {
		s, _, err := Run(sc)
		if err != nil {
			b.Fatal(err)
		}
		virtual += s.Now()
	}
	b.ReportMetric(float64(virtual)/float64(b.Elapsed().Nanoseconds()), "sim-s/wall-s")
}

// BenchmarkRetainedBytesPerOp measures the memory a finished run keeps per
// operation (its history, its trace when on, the cluster's state), which
// bounds sim.MaxOps: run --ops 10000000 once reached 4.8 GB.
func BenchmarkRetainedBytesPerOp(b *testing.B) {
	for _, id := range []string{"stale-replica-reads", "raft-capstone"} {
		for _, trace := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/trace=%v", id, trace), func(b *testing.B) {
				l, err := Get(id)
				if err != nil {
					b.Fatal(err)
				}
				const ops = 20_000
				sc, err := l.Scenario(Options{Seed: 1, Ops: ops, Trace: trace})
				if err != nil {
					b.Fatal(err)
				}
				var perOp float64
				for i := 0; i < b.N; i++ {
					var before, after runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&before)
					s, _, err := Run(sc)
					if err != nil {
						b.Fatal(err)
					}
					runtime.GC()
					runtime.ReadMemStats(&after)
					perOp = float64(after.HeapAlloc-before.HeapAlloc) / ops
					runtime.KeepAlive(s)
				}
				b.ReportMetric(perOp, "retained-B/op")
			})
		}
	}
}
