package sim

type eventKind uint8

const (
	evDeliver eventKind = iota
	evTimer
	evFault
	evClientWake
	evClientTimeout
	evFinalStart
)

// event is one entry of the queue, ordered by (at, seq).
type event struct {
	at    int64
	seq   int64
	kind  eventKind
	msg   Message // evDeliver
	node  int     // evTimer: node index
	epoch int64   // evTimer: the node incarnation that set it
	timer TimerID
	tag   any
	who   int   // client index
	opSeq int64 // evClientTimeout: which operation
	fault Fault // evFault
}

// eventQueue is a binary min-heap; hand-rolled to avoid interface calls.
type eventQueue []event

func (q eventQueue) less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}

func (q *eventQueue) push(e event) {
	*q = append(*q, e)
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *eventQueue) pop() event {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = event{}
	h = h[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && h.less(l, m) {
			m = l
		}
		if r < len(h) && h.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return top
}
