package maelstrom

import (
	"context"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkRouter measures messages a second through faultline's network
// between real processes, and faultline's own CPU time per message: nodes
// of testdata/flood keep 64 pings each in flight around a ring. Run it as
//
//	go test -bench Router -benchtime 1x ./maelstrom/
func BenchmarkRouter(b *testing.B) {
	for _, nodes := range []int{2, 5} {
		b.Run(map[int]string{2: "2-nodes", 5: "5-nodes"}[nodes], func(b *testing.B) {
			bin := filepath.Join(b.TempDir(), "flood")
			if out, err := exec.Command("go", "build", "-o", bin, "./testdata/flood").CombinedOutput(); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
			var msgs, cpuNs int64
			var wall time.Duration
			b.ResetTimer()
			for range b.N {
				cfg := DefaultConfig("echo")
				cfg.Bin, cfg.LogDir, cfg.Nodes, cfg.Rate, cfg.TimeLimit = []string{bin}, b.TempDir(), nodes, 0, 3*time.Second
				before := cpuTime()
				r, err := Start(context.Background(), cfg, Options{})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				out, err := r.Wait()
				if err != nil {
					b.Fatal(err)
				}
				wall += time.Since(start)
				cpuNs += cpuTime() - before
				msgs += out.Stats.NodeMessages
			}
			b.ReportMetric(float64(msgs)/wall.Seconds(), "msgs/s")
			b.ReportMetric(float64(cpuNs)/float64(msgs), "cpu-ns/msg")
		})
	}
}

// cpuTime is this process's user and system time so far, in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
