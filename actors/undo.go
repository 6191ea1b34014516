package actors

// A batch of requests changes the queue in memory at once and reaches the
// journal at the end (group commit). If the journal write fails (disk full,
// EIO), the batch's changes are undone, newest first, so that memory again
// matches what the journal holds: the puts of the batch are gone, its reads
// are back in place, and every request of the batch is answered with an
// error. The next batch tries the disk again, so the queue recovers by
// itself once space returns.

type undoKind uint8

const (
	undoAdd       undoKind = iota // an item added at the tail
	undoAddBehind                 // an item left in the journal (read-behind)
	undoRemove                    // the head item removed
	undoOpen                      // the head item handed out as an open read
	undoConfirm                   // an open read confirmed
	undoAbort                     // an open read returned to the head
)

type undoStep struct {
	kind undoKind
	it   item
	xid  int32
}

// remember notes how to undo a change that the current batch journals.
func (q *queueActor) remember(u undoStep) {
	if q.journal != nil {
		q.undo = append(q.undo, u)
	}
}

// rollBack undoes the batch's changes, newest first.
func (q *queueActor) rollBack() {
	for i := len(q.undo) - 1; i >= 0; i-- {
		u := q.undo[i]
		switch u.kind {
		case undoAdd:
			q.items.popBack()
		case undoAddBehind:
			q.behindItems--
			q.behindBytes -= int64(len(u.it.data))
			q.lastSeq--
			if q.behindItems == 0 {
				q.endReadBehind()
			}
		case undoRemove:
			q.items.pushFront(u.it)
		case undoOpen:
			delete(q.open, u.xid)
			u.it.xid = 0
			q.items.pushFront(u.it)
		case undoConfirm:
			q.open[u.xid] = u.it
		case undoAbort:
			it, _ := q.items.popFront()
			it.xid = u.xid
			it.deliveries--
			q.open[u.xid] = it
		}
	}
	q.forgetUndo()
}

func (q *queueActor) forgetUndo() {
	clear(q.undo)
	q.undo = q.undo[:0]
}
