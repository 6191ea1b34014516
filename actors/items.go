package actors

// item is one queued payload. Times are unix milliseconds; expiry 0 = never.
// seq numbers the items in the order they were added (in memory or left
// behind in the journal): it names an item for journal packing.
type item struct {
	data    []byte
	addTime int64
	expiry  int64
	seq     uint64
	xid     int32
	// deliveries counts the times the item was handed out in an open read
	// and came back (max_deliveries).
	deliveries int32
}

func (it *item) expiredAt(nowMs int64) bool {
	return it.expiry != 0 && it.expiry <= nowMs
}

// itemList is a FIFO ring of items held by value, so that adding an item
// allocates nothing once the ring has grown to the queue's working size.
type itemList struct {
	buf   []item
	head  int
	count int
	bytes int64
}

func (l *itemList) len() int { return l.count }

func (l *itemList) at(i int) *item { return &l.buf[(l.head+i)%len(l.buf)] }

func (l *itemList) grow() {
	n := len(l.buf) * 2
	if n == 0 {
		n = 16
	}
	buf := make([]item, n)
	for i := 0; i < l.count; i++ {
		buf[i] = *l.at(i)
	}
	l.buf, l.head = buf, 0
}

// pushBack appends at the tail.
func (l *itemList) pushBack(it item) {
	if l.count == len(l.buf) {
		l.grow()
	}
	*l.at(l.count) = it
	l.count++
	l.bytes += int64(len(it.data))
}

// popBack removes the tail item (undoing a pushBack).
func (l *itemList) popBack() {
	if l.count == 0 {
		return
	}
	slot := l.at(l.count - 1)
	l.bytes -= int64(len(slot.data))
	*slot = item{}
	l.count--
}

// peekFront returns the head item, or nil.
func (l *itemList) peekFront() *item {
	if l.count == 0 {
		return nil
	}
	return l.at(0)
}

// popFront removes and returns the head item.
func (l *itemList) popFront() (item, bool) {
	if l.count == 0 {
		return item{}, false
	}
	slot := l.at(0)
	it := *slot
	*slot = item{} // drop the data reference for the collector
	l.head = (l.head + 1) % len(l.buf)
	l.count--
	l.bytes -= int64(len(it.data))
	return it, true
}

// pushFront puts an item back at the head: Kestrel's rule for an aborted
// read, which journal replay repeats exactly (UNREMOVE).
func (l *itemList) pushFront(it item) {
	if l.count == len(l.buf) {
		l.grow()
	}
	l.head = (l.head - 1 + len(l.buf)) % len(l.buf)
	*l.at(0) = it
	l.count++
	l.bytes += int64(len(it.data))
}

// clear drops every item.
func (l *itemList) clear() {
	*l = itemList{}
}

// each calls fn for every item from head to tail.
func (l *itemList) each(fn func(*item)) {
	for i := 0; i < l.count; i++ {
		fn(l.at(i))
	}
}
