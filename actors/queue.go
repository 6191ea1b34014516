package actors

import (
	"log/slog"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/persistence"
)

// queueActor is one named FIFO queue. All of its state is touched only from
// Receive: the items, the open reads, the parked gets and the journal.
type queueActor struct {
	sys      *System
	name     string
	cfg      config.Queue
	log      *slog.Logger
	stats    *queueStats
	replayed chan<- error // told once, after the first replay

	items   itemList
	open    map[int32]item
	lastXid int32
	lastSeq uint64

	journal     *persistence.Journal
	batch       []pendingReply // answers held until the journal batch is written
	undo        []undoStep     // how to take the batch back if the write fails
	flushQueued bool
	broken      error // the journal could not be opened: every request fails

	waiters  waiterList
	children []string // fanout children, fed a copy of every item put here
	created  time.Time

	behind      *persistence.Cursor // set while reading behind (readbehind.go)
	behindItems int                 // items only in the journal
	behindBytes int64
	behindNext  uint64 // seq of the first item still behind
	replaying   bool
	lastCompact time.Time
	// nextDeliveries is the count a DELIVERIES record gave the next item
	// replayed or read behind.
	nextDeliveries int32
	packing        packState // rotated files and their packing (packing.go)
}

type pendingReply struct {
	to     chan<- reply
	r      reply
	join   *fanoutJoin // instead of to, for a put with copies elsewhere
	counts bool
}

func newQueueActor(sys *System, name string, stats *queueStats, replayed chan<- error) *queueActor {
	return &queueActor{
		sys:      sys,
		name:     name,
		cfg:      sys.Config().QueueConfig(name),
		log:      sys.log.With("queue", name),
		stats:    stats,
		replayed: replayed,
		open:     make(map[int32]item),
	}
}

func (q *queueActor) Receive(ctx actor.Context) {
	defer q.failOnPanic(ctx)
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		q.start(ctx)
	case *actor.Restarting, *actor.Stopping:
		q.stop(ctx)
	case *putRequest:
		q.put(ctx, msg)
	case *getRequest:
		q.get(ctx, msg)
	case *confirmRequest:
		q.confirm(ctx, msg)
	case *abortRequest:
		q.abort(ctx, msg)
	case *flushRequest:
		q.flush(ctx, msg)
	case *flushExpiredRequest:
		n := q.discardExpired(ctx, nowMs(), 0)
		q.respond(msg.reply, reply{kind: replyDone, n: n})
	case *deleteRequest:
		q.delete(ctx, msg)
	case *fanoutChildren:
		q.children = msg.names
	case sweepTick:
		q.sweep(ctx)
	case *cancelWaitRequest:
		q.cancelWait(ctx, msg)
	case *compactRequest:
		q.compact(msg)
	case *inspectRequest:
		msg.fn(q)
		msg.answer(reply{kind: replyDone})
	case *queueConfig:
		q.cfg = msg.cfg
	case flushJournal:
		q.flushJournal()
	case *packDone:
		q.packed(msg)
	case waiterTick:
		q.expireWaiters(ctx)
	}
	q.publish()
}

// failOnPanic answers the request being handled and every held reply with
// an error before the panic reaches the supervisor, which restarts the
// queue from its journal: no client is left waiting on an answer that will
// never come.
func (q *queueActor) failOnPanic(ctx actor.Context) {
	r := recover()
	if r == nil {
		return
	}
	q.log.Error("queue actor failed; restarting from journal", "panic", r)
	if req, ok := ctx.Message().(queueRequest); ok {
		req.answer(reply{kind: replyError, err: errInternal(q.name)})
	}
	for _, p := range q.batch {
		send(p.to, reply{kind: replyError, err: errInternal(q.name)})
	}
	q.batch = nil
	q.waiters.each(func(w *getRequest) { w.answer(reply{kind: replyError, err: errInternal(q.name)}) })
	q.waiters.clear()
	panic(r)
}

func (q *queueActor) start(ctx actor.Context) {
	q.startPacker(ctx)
	q.created = time.Now()
	q.stats.createTimeMs.Store(q.created.UnixMilli())
	err := q.openJournal(ctx)
	if err != nil {
		q.broken = err
		q.log.Error("queue unusable", "err", err)
	}
	q.publish() // stats are whole once start-up says the queue is ready
	if q.replayed != nil {
		q.replayed <- err
		q.replayed = nil
	}
}

func (q *queueActor) stop(ctx actor.Context) {
	q.waiters.each(func(w *getRequest) { w.answer(reply{kind: replyEmpty}) })
	q.waiters.clear()
	q.stopWaiterTimer()
	q.waitForPacker()
	q.endReadBehind()
	if q.journal != nil {
		q.flushJournal()
		if err := q.journal.Close(); err != nil {
			q.log.Error("close journal", "err", err)
		}
		q.journal = nil
	}
}

// publish copies the figures that stats readers see.
func (q *queueActor) publish() {
	q.stats.items.Store(int64(q.queued()))
	q.stats.bytes.Store(q.queuedBytes())
	q.stats.memItems.Store(int64(q.items.len()))
	q.stats.memBytes.Store(q.items.bytes)
	q.stats.openTransactions.Store(int64(len(q.open)))
	q.stats.waiters.Store(int64(q.waiters.len()))
	q.stats.setHead(q.items.peekFront())
}

// respond answers a request, after the journal batch it belongs to is
// written when one is filling (group commit).
func (q *queueActor) respond(to chan<- reply, r reply) {
	if to == nil {
		return
	}
	if q.flushQueued {
		q.batch = append(q.batch, pendingReply{to: to, r: r})
		return
	}
	send(to, r)
}

// send never blocks a queue actor: a session has room for the one answer it
// is waiting for.
func send(to chan<- reply, r reply) {
	select {
	case to <- r:
	default:
	}
}

func nowMs() int64 { return time.Now().UnixMilli() }

// put adds an item at the tail, or refuses it when the queue is full, and
// sends a copy to each fanout child.
func (q *queueActor) put(ctx actor.Context, req *putRequest) {
	if q.broken != nil {
		req.answer(reply{kind: replyError, err: q.broken})
		return
	}
	if len(q.children) > 0 {
		req = q.fanOut(ctx, req)
	}
	// fanout_only is about the parent; a child inherits it but stores.
	if q.cfg.FanoutOnly && fanoutParent(q.name) == "" {
		q.answerPut(req, reply{kind: replyDone})
		return
	}
	q.answerPut(req, reply{kind: q.add(ctx, req.data, req.expiry)})
	q.serveWaiters(ctx)
}

// add stores one item, journaled, unless it is too big or the queue is full.
func (q *queueActor) add(ctx actor.Context, data []byte, expiry int64) replyKind {
	now := nowMs()
	q.discardExpired(ctx, now, 0)
	if q.cfg.MaxItemSize > 0 && int64(len(data)) > int64(q.cfg.MaxItemSize) {
		return replyNotStored
	}
	if !q.makeRoom(ctx, int64(len(data))) {
		return replyNotStored
	}
	it := item{data: data, addTime: now, expiry: q.capExpiry(now, expiry)}
	behind := q.overMemory(len(data))
	var pos persistence.Position
	if behind {
		pos.Offset = q.journal.NextOffset() // where this item's record will start
	}
	q.appendJournal(ctx, persistence.Record{Op: persistence.OpAddX, AddTime: it.addTime, Expiry: it.expiry, Data: it.data})
	q.stats.totalItems.Add(1)
	q.sys.Stats.TotalItems.Add(1)
	if behind {
		q.leaveBehind(pos, len(data))
		if q.behind != nil {
			q.remember(undoStep{kind: undoAddBehind, it: it})
			return replyDone
		}
	}
	q.lastSeq++
	it.seq = q.lastSeq
	q.items.pushBack(it)
	q.remember(undoStep{kind: undoAdd})
	return replyDone
}

// fanOut sends a copy of a put to every child, through the manager (a child
// may be going away). When a client waits, its answer is held by a join
// until the children have journaled their copies too; the returned request
// is the parent's part of that join.
func (q *queueActor) fanOut(ctx actor.Context, req *putRequest) *putRequest {
	var join *fanoutJoin
	if req.reply != nil && req.join == nil {
		join = newFanoutJoin(req.reply, 1+len(q.children))
		req = &putRequest{requestBase: requestBase{queue: req.queue}, data: req.data, expiry: req.expiry, join: join, counts: true}
	}
	for _, child := range q.children {
		ctx.Send(q.sys.manager, &putRequest{requestBase: requestBase{queue: child}, data: req.data, expiry: req.expiry, join: join, copy: true})
	}
	return req
}

// answerPut answers a put, after its journal batch is written (group
// commit); a put that is part of a fanout or alias answers its join.
func (q *queueActor) answerPut(req *putRequest, r reply) {
	if req.join == nil {
		q.respond(req.reply, r)
		return
	}
	if q.flushQueued {
		q.batch = append(q.batch, pendingReply{r: r, join: req.join, counts: req.counts})
		return
	}
	req.join.done(r, req.counts)
}

// capExpiry applies max_age: no item lives longer than that.
func (q *queueActor) capExpiry(now, expiry int64) int64 {
	if q.cfg.MaxAge <= 0 {
		return expiry
	}
	limit := now + q.cfg.MaxAge.Milliseconds()
	if expiry == 0 || expiry > limit {
		return limit
	}
	return expiry
}

// makeRoom checks max_items and max_size for an item of n bytes, dropping
// the oldest items when the queue discards old items when full.
func (q *queueActor) makeRoom(ctx actor.Context, n int64) bool {
	full := func() bool {
		return (q.cfg.MaxItems > 0 && int64(q.queued())+1 > q.cfg.MaxItems) ||
			(q.cfg.MaxSize > 0 && q.queuedBytes()+n > int64(q.cfg.MaxSize))
	}
	for full() {
		if !q.cfg.DiscardOldWhenFull || q.queued() == 0 {
			return false
		}
		q.removeHead(ctx)
		q.stats.discarded.Add(1)
	}
	return true
}

// removeHead drops the head item and journals the removal.
func (q *queueActor) removeHead(ctx actor.Context) (item, bool) {
	it, ok := q.popHead()
	if ok {
		q.remember(undoStep{kind: undoRemove, it: it})
		q.appendJournal(ctx, persistence.Record{Op: persistence.OpRemove})
	}
	return it, ok
}

// discardExpired drops expired items from the head, as Kestrel does on
// every add and remove, at most limit of them (0: no limit). With
// expire_to_queue they move there, as if a client had put them, with no
// expiry of their own.
func (q *queueActor) discardExpired(ctx actor.Context, now int64, limit int) int {
	n := 0
	for limit <= 0 || n < limit {
		head := q.items.peekFront()
		if head == nil || !head.expiredAt(now) {
			break
		}
		it, _ := q.removeHead(ctx)
		q.stats.expiredItems.Add(1)
		if target := q.cfg.ExpireToQueue; target != "" && target != q.name {
			ctx.Send(q.sys.manager, &putRequest{requestBase: requestBase{queue: target}, data: it.data})
		}
		n++
	}
	return n
}

// sweep is one round of the background expiry: a bounded number of
// expired items go, and a queue empty and idle past max_queue_age asks to
// be deleted.
func (q *queueActor) sweep(ctx actor.Context) {
	q.discardExpired(ctx, nowMs(), q.cfg.MaxExpireSweep)
	if q.idleExpired() {
		ctx.Send(q.sys.manager, &retireQueue{name: q.name})
	}
}

func (q *queueActor) idleExpired() bool {
	return q.cfg.MaxQueueAge > 0 && q.queued() == 0 && len(q.open) == 0 &&
		q.waiters.len() == 0 && time.Since(q.created) > q.cfg.MaxQueueAge
}

// get answers a read at once when it can, or parks it until an item comes
// or its deadline passes.
func (q *queueActor) get(ctx actor.Context, req *getRequest) {
	if q.broken != nil {
		req.answer(reply{kind: replyError, err: q.broken})
		return
	}
	if req.open {
		q.stats.transactions.Add(1)
	}
	q.discardExpired(ctx, nowMs(), 0)
	if q.items.len() > 0 && q.waiters.len() == 0 {
		q.handOut(ctx, req)
		return
	}
	if !req.deadline.IsZero() && time.Now().Before(req.deadline) {
		send(req.reply, reply{kind: replyParked})
		q.waiters.push(req)
		q.armWaiterTimer(ctx)
		return
	}
	q.respond(req.reply, reply{kind: replyEmpty})
}

// handOut gives the head item to a read: shown for a peek, removed for a
// plain get, held as an open transaction for an open read.
func (q *queueActor) handOut(ctx actor.Context, req *getRequest) {
	head := q.items.peekFront()
	q.stats.ageMs.Store(max(0, nowMs()-head.addTime))
	if req.peek {
		q.respond(req.reply, reply{kind: replyItem, data: head.data})
		return
	}
	it, _ := q.popHead()
	if !req.open {
		q.remember(undoStep{kind: undoRemove, it: it})
		q.appendJournal(ctx, persistence.Record{Op: persistence.OpRemove})
		q.respond(req.reply, reply{kind: replyItem, data: it.data})
		return
	}
	it.xid = q.nextXid()
	q.open[it.xid] = it
	q.remember(undoStep{kind: undoOpen, it: it, xid: it.xid})
	q.appendJournal(ctx, persistence.Record{Op: persistence.OpRemoveTentativeXid, Xid: it.xid})
	q.respond(req.reply, reply{kind: replyItem, data: it.data, xid: it.xid, owner: q.stats, timeout: q.cfg.OpenTransactionTimeout})
}

// nextXid picks the next transaction id, skipping 0 and ids still open.
func (q *queueActor) nextXid() int32 {
	for {
		q.lastXid++
		if _, taken := q.open[q.lastXid]; q.lastXid != 0 && !taken {
			return q.lastXid
		}
	}
}

func (q *queueActor) confirm(ctx actor.Context, req *confirmRequest) {
	if _, ok := q.open[req.xid]; !ok || req.owner != q.stats {
		q.respond(req.reply, reply{kind: replyUnknown})
		return
	}
	q.remember(undoStep{kind: undoConfirm, it: q.open[req.xid], xid: req.xid})
	delete(q.open, req.xid)
	q.appendJournal(ctx, persistence.Record{Op: persistence.OpConfirmRemove, Xid: req.xid})
	q.respond(req.reply, reply{kind: replyDone})
}

// abort returns an open read's item to the head of the queue.
func (q *queueActor) abort(ctx actor.Context, req *abortRequest) {
	it, ok := q.open[req.xid]
	if !ok || req.owner != q.stats {
		q.respond(req.reply, reply{kind: replyUnknown})
		return
	}
	q.stats.canceledTxns.Add(1)
	q.returnRead(ctx, it)
	q.respond(req.reply, reply{kind: replyDone})
	q.serveWaiters(ctx)
}

// returnRead ends an open read that was not confirmed: the item goes back
// to the head, or, once it has come back max_deliveries times, to the
// dead-letter queue, so that one bad item cannot stall the queue.
func (q *queueActor) returnRead(ctx actor.Context, it item) {
	xid := it.xid
	delete(q.open, xid)
	if limit := q.cfg.MaxDeliveries; limit > 0 && it.deliveries+1 >= int32(limit) {
		q.appendJournal(ctx, persistence.Record{Op: persistence.OpConfirmRemove, Xid: xid})
		q.remember(undoStep{kind: undoConfirm, it: it, xid: xid})
		q.deadLetter(ctx, it)
		return
	}
	q.appendJournal(ctx, persistence.Record{Op: persistence.OpUnremove, Xid: xid})
	it.xid = 0
	it.deliveries++
	q.items.pushFront(it)
	q.remember(undoStep{kind: undoAbort, xid: xid})
}

// deadLetter hands a poison item to dead_letter_queue, as if a client had
// put it there, or drops it when there is none.
func (q *queueActor) deadLetter(ctx actor.Context, it item) {
	q.stats.deadLettered.Add(1)
	q.log.Warn("item returned max_deliveries times: moved to the dead-letter queue",
		"max_deliveries", q.cfg.MaxDeliveries, "dead_letter_queue", q.cfg.DeadLetterQueue, "bytes", len(it.data))
	if dlq := q.cfg.DeadLetterQueue; dlq != "" && dlq != q.name {
		ctx.Send(q.sys.manager, &putRequest{requestBase: requestBase{queue: dlq}, data: it.data})
	}
}

// flush discards every queued item (open reads stay open).
func (q *queueActor) flush(ctx actor.Context, req *flushRequest) {
	if q.broken != nil {
		req.answer(reply{kind: replyError, err: q.broken})
		return
	}
	for q.queued() > 0 {
		q.removeHead(ctx)
	}
	q.stats.totalFlushes.Add(1)
	q.log.Info("queue flushed", "client", req.client)
	q.respond(req.reply, reply{kind: replyDone})
}

// delete erases the journal, tells the manager the name is free, and stops.
// A retirement for max_queue_age is called off if work came meanwhile.
func (q *queueActor) delete(ctx actor.Context, req *deleteRequest) {
	if req.ifIdle && !q.idleExpired() {
		ctx.Send(ctx.Parent(), &queueKept{name: q.name})
		return
	}
	q.waiters.each(func(w *getRequest) { w.answer(reply{kind: replyEmpty}) })
	q.waiters.clear()
	q.stopWaiterTimer()
	q.items.clear()
	q.waitForPacker()
	q.endReadBehind()
	q.open = make(map[int32]item)
	if q.journal != nil {
		q.flushJournal()
		if err := q.journal.Erase(); err != nil {
			q.log.Error("erase journal", "err", err)
		}
		q.journal = nil
	}
	q.log.Info("queue deleted", "client", req.client)
	req.answer(reply{kind: replyDone})
	ctx.Send(ctx.Parent(), &queueGone{name: q.name})
	ctx.Stop(ctx.Self())
}
