package sim

type eventKind uint8

const (
	evDeliver eventKind = iota
	evTimer
	evFault // a fault of the schedule's list
	evMix   // a mix stream starts or stops a fault
	evClientWake
	evClientTimeout
	evFinalStart
)

// event is what happens when a queue entry comes up.
type event struct {
	kind  eventKind
	who   int     // evTimer: node; client events: client; evFault: list index; evMix: stream; evDeliver: destination
	n     int64   // evTimer: the node incarnation that set it; evClientTimeout: which operation; evDeliver: source
	timer TimerID // evTimer
	msg   Message // evDeliver
	tag   any     // evTimer
}

// slot orders one event in the queue by (at, seq). Slots hold no
// pointers, so the heap's swaps cost no garbage-collector write barriers;
// the events themselves sit still in a slab.
type slot struct {
	at  int64
	seq int64
	id  int32
}

// eventQueue is a binary min-heap of slots over a slab of events, with a
// free list; hand-rolled to avoid interface calls.
type eventQueue struct {
	heap []slot
	data []event
	free []int32
}

func (q *eventQueue) len() int { return len(q.heap) }

// store puts an event in the slab and returns its id.
func (q *eventQueue) store(e event) int32 {
	if n := len(q.free); n > 0 {
		id := q.free[n-1]
		q.free = q.free[:n-1]
		q.data[id] = e
		return id
	}
	q.data = append(q.data, e)
	return int32(len(q.data) - 1)
}

// release frees an event's place in the slab.
func (q *eventQueue) release(id int32) {
	q.data[id] = event{}
	q.free = append(q.free, id)
}

func (q *eventQueue) less(i, j int) bool {
	h := q.heap
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}

// pushID queues a stored event at a moment.
func (q *eventQueue) pushID(at, seq int64, id int32) {
	q.heap = append(q.heap, slot{at: at, seq: seq, id: id})
	h := q.heap
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

// pop removes the earliest slot; its event stays in the slab until released.
func (q *eventQueue) pop() slot {
	h := q.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && (h[l].at < h[m].at || h[l].at == h[m].at && h[l].seq < h[m].seq) {
			m = l
		}
		if r < len(h) && (h[r].at < h[m].at || h[r].at == h[m].at && h[r].seq < h[m].seq) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	q.heap = h
	return top
}
