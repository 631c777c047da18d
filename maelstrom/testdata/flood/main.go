// Command flood is a node for measuring faultline's router: once
// initialized, it keeps a window of pings in flight to the next node of
// the ring, answers every ping with a pong, and sends a new ping for every
// pong. Every message goes through faultline.
package main

import (
	"log"
	"slices"

	"github.com/faultline-lab/faultline/examples/nodes/mnode"
)

const window = 64

func main() {
	n := mnode.New()
	var next string
	var ping func()
	ping = func() { n.RPC(next, map[string]any{"type": "ping"}, func(mnode.Msg) { ping() }) }
	n.Handle("init", func(m mnode.Msg) {
		i := slices.Index(n.IDs, n.ID)
		next = n.IDs[(i+1)%len(n.IDs)]
		for range window {
			ping()
		}
	})
	n.Handle("ping", func(m mnode.Msg) { n.Reply(m, map[string]any{"type": "pong"}) })
	if err := n.Run(); err != nil {
		log.Fatal(err)
	}
}
