package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/faultline-lab/faultline/maelstrom"
)

// BenchmarkNodeScreenFrame measures a frame of the node screen over a
// busy live run that has finished: the key-value node at 300 operations
// a second for 3 s, under partitions (the run itself is set up once).
func BenchmarkNodeScreenFrame(b *testing.B) {
	d := newDriver(b, 160, 45)
	cfg := maelstrom.DefaultConfig("lin-kv")
	cfg.Bin = []string{exampleNode(b, "kv")}
	cfg.Nodes, cfg.Rate, cfg.TimeLimit, cfg.Recovery, cfg.Nemesis = 5, 300, 3*time.Second, 200*time.Millisecond, []string{"partition"}
	n := d.startNode(cfg)
	d.until("the verdict", time.Minute, func(Model) bool { return n.stage == stageOver && n.check.result != nil })
	b.Logf("a run of %d trace events and %d history records", len(n.live.trace), len(n.live.h))
	for _, size := range [][2]int{{80, 24}, {160, 45}} {
		d.m.c.width, d.m.c.height = size[0], size[1]
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			for range b.N {
				_ = d.m.View()
			}
		})
	}
	d.m.shutdown()
}

// BenchmarkLiveAbsorb measures how fast the screen takes a live run's
// events in (ordering, numbering, roles): the events of a 2 s run of the
// key-value node at 500 operations a second, absorbed in 50 ms batches.
func BenchmarkLiveAbsorb(b *testing.B) {
	cfg := maelstrom.DefaultConfig("lin-kv")
	cfg.Bin, cfg.LogDir = []string{exampleNode(b, "kv")}, b.TempDir()
	cfg.Nodes, cfg.Rate, cfg.TimeLimit, cfg.Recovery, cfg.Nemesis = 5, 500, 2*time.Second, 100*time.Millisecond, []string{"partition"}
	ch := make(chan maelstrom.Event, 1<<20)
	r, err := maelstrom.Start(context.Background(), cfg, maelstrom.Options{Events: ch})
	if err != nil {
		b.Fatal(err)
	}
	<-r.Done()
	close(ch)
	var evs []maelstrom.Event
	for e := range ch {
		evs = append(evs, e)
	}
	var batches [][]maelstrom.Event
	for from := 0; from < len(evs); {
		to := from
		for to < len(evs) && evs[to].Time < evs[from].Time+int64(nodeBatchInterval) {
			to++
		}
		batches = append(batches, evs[from:to])
		from = to
	}
	b.Logf("%d events in %d batches (%d lost)", len(evs), len(batches), r.Stats().EventsLost)
	b.ResetTimer()
	for range b.N {
		l := newLiveRun(r)
		for _, batch := range batches {
			l.absorb(batch)
		}
	}
	b.ReportMetric(float64(len(evs))*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
