// Command hello is a first node for faultline's echo and unique-ids
// workloads (and Maelstrom's): it answers echo with the same echo, and
// generate with an id no other node, and no earlier run of this node,
// hands out: its node id, the time it started, and a counter.
package main

import (
	"fmt"
	"log"
	"time"

	"github.com/faultline-lab/faultline/examples/nodes/mnode"
)

func main() {
	n := mnode.New()
	started := time.Now().UnixNano()
	count := 0
	n.Handle("echo", func(m mnode.Msg) {
		var body map[string]any
		if err := m.Decode(&body); err != nil {
			n.Error(m, 12, err.Error())
			return
		}
		n.Reply(m, map[string]any{"type": "echo_ok", "echo": body["echo"]})
	})
	n.Handle("generate", func(m mnode.Msg) {
		count++
		n.Reply(m, map[string]any{"type": "generate_ok", "id": fmt.Sprintf("%s-%d-%d", n.ID, started, count)})
	})
	if err := n.Run(); err != nil {
		log.Fatal(err)
	}
}
