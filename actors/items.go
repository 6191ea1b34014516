package actors

// item is one queued payload. Times are unix milliseconds; expiry 0 = never.
// seq is the order in which items were added to this queue: items are kept
// sorted by it, so that an item returned by an aborted read goes back in
// front of everything added after it, and several returned items keep the
// order in which they were first handed out.
type item struct {
	data    []byte
	addTime int64
	expiry  int64
	seq     uint64
	xid     int32
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

// returnToHead puts an item that was handed out back near the head, in front
// of every item added after it (see item.seq). Only the leading run of older
// returned items is walked, so this is O(1) in the usual single-abort case.
func (l *itemList) returnToHead(it item) {
	if l.count == len(l.buf) {
		l.grow()
	}
	pos := 0
	for pos < l.count && l.at(pos).seq < it.seq {
		pos++
	}
	l.head = (l.head - 1 + len(l.buf)) % len(l.buf)
	for i := 0; i < pos; i++ {
		*l.at(i) = *l.at(i + 1)
	}
	*l.at(pos) = it
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
