package actors

import (
	"errors"
	"io"

	"github.com/kestrel-go/kestrel/persistence"
)

// Read-behind ("the square snake"): a queue keeps at most max_memory_size
// bytes of items in memory. Once it is over, new items are only journaled,
// and a cursor on the journal, started at the first item left out, reads
// them back in order as the head drains. Every item added while behind is
// behind, so the cursor takes every add it meets and skips the rest.

// overMemory says whether an item of n bytes must stay in the journal.
func (q *queueActor) overMemory(n int) bool {
	if q.behind != nil {
		return true
	}
	limit := int64(q.cfg.MaxMemorySize)
	return q.journal != nil && limit > 0 && q.items.len() > 0 && q.items.bytes+int64(n) > limit
}

// leaveBehind counts an item that is only in the journal, whose record
// starts at pos, starting read-behind if needed. It takes the item's seq.
func (q *queueActor) leaveBehind(pos persistence.Position, n int) {
	if q.behind == nil {
		cur, err := q.journal.OpenCursor(pos)
		if err != nil {
			// Without a cursor the item cannot be left out of memory.
			q.log.Error("cannot start read-behind; holding items in memory", "err", err)
			return
		}
		q.behind = cur
		q.behindNext = q.lastSeq + 1
		q.log.Info("queue over max_memory_size: reading behind from the journal", "bytes", q.items.bytes)
	}
	q.lastSeq++
	q.behindItems++
	q.behindBytes += int64(n)
}

// popHead removes the head item from memory and refills memory from the
// journal when reading behind.
func (q *queueActor) popHead() (item, bool) {
	it, ok := q.items.popFront()
	if ok && q.behind != nil {
		q.fillFromJournal()
	}
	return it, ok
}

// fillFromJournal loads behind items until memory is full again or none
// are left.
func (q *queueActor) fillFromJournal() {
	limit := int64(q.cfg.MaxMemorySize)
	for q.behind != nil && q.behindItems > 0 && (q.items.bytes < limit || q.items.len() == 0) {
		rec, err := q.behind.Next()
		if errors.Is(err, io.EOF) && q.journal.Pending() > 0 && !q.replaying {
			// The item is in this batch, not yet written: end the batch
			// here. The request being handled has not journaled anything
			// yet, so the batch holds only finished requests.
			if err := q.commitBatch(); err != nil {
				// Undoing the batch under a half-done request would leave
				// memory and journal apart: restart from the journal.
				panic(err)
			}
			continue
		}
		if err != nil {
			q.log.Error("read-behind stopped", "err", err, "items_left_behind", q.behindItems)
			return
		}
		switch rec.Op {
		case persistence.OpDeliveries:
			q.nextDeliveries = rec.Xid
		case persistence.OpAdd, persistence.OpAddX, persistence.OpContinue:
			q.items.pushBack(item{data: rec.Data, addTime: rec.AddTime, expiry: rec.Expiry, seq: q.behindNext, deliveries: q.takeDeliveries()})
			q.behindNext++
			q.behindItems--
			q.behindBytes -= int64(len(rec.Data))
		}
	}
	if q.behind != nil && q.behindItems == 0 {
		q.endReadBehind()
		q.log.Info("queue back within max_memory_size")
	}
	// A request is under way: the pack waits for the end of its batch.
	q.packing.wanted = true
}

func (q *queueActor) endReadBehind() {
	if q.behind != nil {
		_ = q.behind.Close()
		q.behind = nil
	}
	q.behindItems, q.behindBytes = 0, 0
}

// loadAllBehind brings every behind item into memory, for a journal rewrite
// that must contain them all.
func (q *queueActor) loadAllBehind() {
	if q.behind == nil {
		return
	}
	limit := q.cfg.MaxMemorySize
	q.cfg.MaxMemorySize = 1 << 62
	q.fillFromJournal()
	q.cfg.MaxMemorySize = limit
}

// queued is the number of items waiting, in memory or behind.
func (q *queueActor) queued() int { return q.items.len() + q.behindItems }

// queuedBytes is the bytes of the items waiting, in memory or behind.
func (q *queueActor) queuedBytes() int64 { return q.items.bytes + q.behindBytes }
