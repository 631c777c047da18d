package sim

// Disk is a node's stable storage. Put writes to the page cache; Sync makes
// every write so far durable. A crash keeps only what was synced.
type Disk struct {
	durable map[string]any
	pending map[string]any
	order   []string // keys of pending in write order, for deterministic sync
}

func newDisk() *Disk {
	return &Disk{durable: map[string]any{}, pending: map[string]any{}}
}

// Put writes a value; it is lost on crash until Sync.
func (d *Disk) Put(key string, value any) {
	if _, seen := d.pending[key]; !seen {
		d.order = append(d.order, key)
	}
	d.pending[key] = value
}

// Get reads the newest value written, synced or not.
func (d *Disk) Get(key string) (any, bool) {
	if v, ok := d.pending[key]; ok {
		return v, true
	}
	v, ok := d.durable[key]
	return v, ok
}

// Sync makes every write so far durable (fsync).
func (d *Disk) Sync() {
	for _, k := range d.order {
		d.durable[k] = d.pending[k]
	}
	d.pending = map[string]any{}
	d.order = d.order[:0]
}

// Unsynced is the number of keys written since the last sync.
func (d *Disk) Unsynced() int { return len(d.order) }

// crash drops unsynced writes and returns how many were lost.
func (d *Disk) crash() int {
	n := len(d.order)
	d.pending = map[string]any{}
	d.order = d.order[:0]
	return n
}
