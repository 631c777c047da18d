package maelstrom

import "sync"

// inboxLimit bounds the lines waiting for one process (a paused node's
// stdin fills up); beyond it messages are dropped, and the drop is an
// event like any other.
const inboxLimit = 1 << 20

// inbox holds the lines waiting to be written to one process's stdin.
// Until the node answers init, only the setup lines (init itself) go out:
// a node must not see a message before it knows its own id.
type inbox struct {
	mu     sync.Mutex
	cond   *sync.Cond
	setup  [][]byte
	held   [][]byte
	open   bool // init_ok seen: held lines may go
	closed bool
}

func newInbox() *inbox {
	b := &inbox{}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// push queues a line; false when the inbox is closed or full.
func (b *inbox) push(line []byte, setup bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || len(b.held)+len(b.setup) >= inboxLimit {
		return false
	}
	if setup {
		b.setup = append(b.setup, line)
	} else {
		b.held = append(b.held, line)
	}
	b.cond.Signal()
	return true
}

// release lets held lines go: the node has answered init.
func (b *inbox) release() {
	b.mu.Lock()
	b.open = true
	b.cond.Signal()
	b.mu.Unlock()
}

func (b *inbox) close() {
	b.mu.Lock()
	b.closed = true
	b.setup, b.held = nil, nil
	b.cond.Broadcast()
	b.mu.Unlock()
}

// take waits for lines to write and returns all of them; nil when closed.
func (b *inbox) take(buf [][]byte) [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	for !b.closed && len(b.setup) == 0 && (!b.open || len(b.held) == 0) {
		b.cond.Wait()
	}
	if b.closed {
		return nil
	}
	buf = append(buf[:0], b.setup...)
	b.setup = b.setup[:0]
	if b.open {
		buf = append(buf, b.held...)
		clear(b.held)
		b.held = b.held[:0]
	}
	return buf
}

// waiting is how many lines are queued.
func (b *inbox) waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.setup) + len(b.held)
}
