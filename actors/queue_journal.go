package actors

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/persistence"
)

// This file is the queue actor's side of the journal: rebuilding the queue
// from it at start, and writing to it in group-commit batches.

func (q *queueActor) journalOptions() persistence.Options {
	opts := persistence.Options{Logger: q.log, Observer: q.sys.journalObserver(q.name), OpenFile: q.sys.disk}
	switch sync := q.cfg.SyncJournal; {
	case sync.Never:
		opts.Sync = persistence.SyncNever
	case sync.Always():
		opts.Sync = persistence.SyncAlways
	default:
		opts.Sync, opts.SyncPeriod = persistence.SyncPeriodic, sync.Period
	}
	return opts
}

// openJournal replays the queue's journal into memory. Reads that were open
// when the server stopped are returned to the queue, oldest first.
func (q *queueActor) openJournal(ctx actor.Context) error {
	if !q.cfg.KeepJournal {
		return nil
	}
	j, err := persistence.Open(q.sys.Config().QueuePath, q.name, q.journalOptions())
	if err != nil {
		return fmt.Errorf("queue %s: %w", q.name, err)
	}
	q.journal = j
	q.replaying = true
	report, err := j.Replay(q.applyRecord)
	q.replaying = false
	if err != nil {
		q.endReadBehind()
		q.journal = nil
		_ = j.Close()
		return fmt.Errorf("queue %s: replay: %w", q.name, err)
	}
	q.stats.corruptJournals.Add(int64(len(report.Corrupt)))
	q.returnOpenReads(ctx)
	if len(report.Corrupt) > 0 {
		// The readable part is all we have: make it the whole journal.
		if err := q.rewriteJournal(); err != nil {
			return err
		}
	} else if err := q.afterReplay(); err != nil {
		return err
	}
	q.flushJournal()
	if report.Records > 0 {
		q.log.Info("journal replayed", "items", q.items.len(), "bytes", q.items.bytes, "records", report.Records)
	}
	return nil
}

// applyRecord replays one journal operation, with the same effect it had
// when it was written.
func (q *queueActor) applyRecord(r persistence.Record) {
	switch r.Op {
	case persistence.OpAdd, persistence.OpAddX, persistence.OpAddXid:
		q.replayAdd(r)
	case persistence.OpRemove:
		q.popHead()
	case persistence.OpRemoveTentative, persistence.OpRemoveTentativeXid:
		q.replayOpen(r.Xid)
	case persistence.OpSaveXid:
		q.lastXid = r.Xid
	case persistence.OpUnremove:
		if it, ok := q.open[r.Xid]; ok {
			delete(q.open, r.Xid)
			it.xid = 0
			it.deliveries++
			q.items.pushFront(it)
		}
	case persistence.OpDeliveries:
		q.nextDeliveries = r.Xid
	case persistence.OpConfirmRemove:
		delete(q.open, r.Xid)
	case persistence.OpContinue:
		delete(q.open, r.Xid)
		q.replayAdd(r)
	}
}

// replayAdd adds a replayed item, in memory or, past max_memory_size and in
// the current file, left behind in the journal as when it was written.
func (q *queueActor) replayAdd(r persistence.Record) {
	if r.Op != persistence.OpAddXid && q.overMemory(len(r.Data)) {
		q.leaveBehind(q.journal.ReplayPosition(), len(r.Data))
		if q.behind != nil {
			// Read-behind meets the item's own record and no count: a
			// returned item is near the head, rarely this far behind.
			q.takeDeliveries()
			return
		}
	}
	q.lastSeq++
	q.items.pushBack(item{data: r.Data, addTime: r.AddTime, expiry: r.Expiry, seq: q.lastSeq, deliveries: q.takeDeliveries()})
}

// takeDeliveries is the count a DELIVERIES record gave the item being added.
func (q *queueActor) takeDeliveries() int32 {
	n := q.nextDeliveries
	q.nextDeliveries = 0
	return n
}

// itemRecords journals an item (ADDX, or ADD_XID+REMOVE_TENTATIVE_XID for an
// open read) with its delivery count, for a rewrite or a pack.
func itemRecords(records []persistence.Record, it item, open bool) []persistence.Record {
	if it.deliveries > 0 {
		records = append(records, persistence.Record{Op: persistence.OpDeliveries, Xid: it.deliveries})
	}
	if !open {
		return append(records, persistence.Record{Op: persistence.OpAddX, AddTime: it.addTime, Expiry: it.expiry, Data: it.data})
	}
	return append(records,
		persistence.Record{Op: persistence.OpAddXid, Xid: it.xid, AddTime: it.addTime, Expiry: it.expiry, Data: it.data},
		persistence.Record{Op: persistence.OpRemoveTentativeXid, Xid: it.xid})
}

// replayOpen moves the head item into the open reads under xid (an old
// REMOVE_TENTATIVE without an xid gets the next free one).
func (q *queueActor) replayOpen(xid int32) {
	it, ok := q.popHead()
	if !ok {
		return
	}
	if xid == 0 {
		xid = q.nextXid()
	}
	q.lastXid = xid
	it.xid = xid
	q.open[xid] = it
}

// returnOpenReads puts back every read left open by the previous run: no
// client holds it any more.
func (q *queueActor) returnOpenReads(ctx actor.Context) {
	open := make([]item, 0, len(q.open))
	for _, it := range q.open {
		open = append(open, it)
	}
	// Newest first: each goes to the head, so the oldest ends up first.
	sort.Slice(open, func(i, j int) bool { return open[i].seq > open[j].seq })
	for _, it := range open {
		q.returnRead(ctx, it) // a read cut off by a stop counts as a delivery
	}
}

// appendJournal adds a record to the current batch. The first record of a
// batch queues a flushJournal message behind everything already in the
// mailbox, so one write (and one fsync) covers every request handled
// meanwhile.
func (q *queueActor) appendJournal(ctx actor.Context, r persistence.Record) {
	if q.journal == nil {
		return
	}
	q.journal.Append(r)
	if !q.flushQueued && ctx != nil {
		q.flushQueued = true
		ctx.Send(ctx.Self(), flushJournal{})
	}
}

// flushJournal ends a batch: it writes it, sends the answers it held back,
// and then looks after the journal's size.
func (q *queueActor) flushJournal() {
	q.flushQueued = false
	if err := q.commitBatch(); err != nil {
		q.rollBack()
		q.answerBatch(err)
	}
	q.maybeStartOver()
	q.maybeCompact()
	q.maybeRotate()
	if q.packing.wanted {
		q.maybePack()
	}
	if q.journal != nil {
		q.stats.logsize.Store(q.journal.TotalSize())
	}
}

// commitBatch writes the batch; once it is written its answers go out and
// its changes stand. On failure nothing is answered yet.
func (q *queueActor) commitBatch() error {
	if q.journal != nil {
		if err := q.journal.Flush(); err != nil {
			q.log.Error("journal write failed; the batch is refused", "err", err)
			return fmt.Errorf("queue %s: journal write failed: %w", q.name, errors.Unwrap(err))
		}
	}
	q.forgetUndo()
	q.answerBatch(nil)
	return nil
}

// answerBatch sends the held answers, or err instead of each.
func (q *queueActor) answerBatch(err error) {
	for _, p := range q.batch {
		r := p.r
		if err != nil {
			r = reply{kind: replyError, err: err}
		}
		if p.join != nil {
			p.join.done(r, p.counts)
			continue
		}
		send(p.to, r)
	}
	clear(q.batch)
	q.batch = q.batch[:0]
}

// maybeStartOver restarts the journal of an empty queue once it has grown
// past default_journal_size: the only state left is the open reads.
func (q *queueActor) maybeStartOver() {
	if q.journal == nil || q.queued() > 0 || q.packing.running || q.journal.TotalSize() <= int64(q.cfg.DefaultJournalSize) {
		return
	}
	if err := q.rewriteJournal(); err != nil {
		q.log.Error("journal rewrite failed", "err", err)
	}
}

// maybeCompact rewrites the journal of a queue held wholly in memory once
// its files pass max_journal_size, at most once per
// min_journal_compact_delay: the new journal is no bigger than the items.
func (q *queueActor) maybeCompact() {
	if q.journal == nil || q.behind != nil || q.packing.running || q.cfg.MaxJournalSize <= 0 ||
		q.journal.TotalSize() <= int64(q.cfg.MaxJournalSize) ||
		time.Since(q.lastCompact) < q.cfg.MinJournalCompactDelay {
		return
	}
	q.lastCompact = time.Now()
	if err := q.rewriteJournal(); err != nil {
		q.log.Error("journal compaction failed", "err", err)
	}
}

// rewriteJournal replaces the journal with the current state: the xid
// counter, the open reads, then the queued items.
func (q *queueActor) rewriteJournal() error {
	q.loadAllBehind() // the new journal must hold every item
	records := []persistence.Record{{Op: persistence.OpSaveXid, Xid: q.lastXid}}
	open := make([]item, 0, len(q.open))
	for _, it := range q.open {
		open = append(open, it)
	}
	sort.Slice(open, func(i, j int) bool { return open[i].seq < open[j].seq })
	for _, it := range open {
		records = itemRecords(records, it, true)
	}
	q.items.each(func(it *item) { records = itemRecords(records, *it, false) })
	if err := q.journal.Rewrite(records); err != nil {
		return fmt.Errorf("queue %s: rewrite journal: %w", q.name, err)
	}
	q.packing.checkpoints = nil // every file they named is gone
	q.stats.journalRewrites.Add(1)
	q.log.Info("journal rewritten", "items", q.items.len(), "open", len(open))
	return nil
}
