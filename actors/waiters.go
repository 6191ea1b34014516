package actors

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// waiterList holds parked gets in arrival order: the first to come is the
// first served, one item each.
type waiterList struct {
	list  []*getRequest
	timer *time.Timer // one per queue, set for the earliest deadline
}

func (w *waiterList) len() int { return len(w.list) }

func (w *waiterList) push(req *getRequest) { w.list = append(w.list, req) }

func (w *waiterList) pop() *getRequest {
	req := w.list[0]
	w.list[0] = nil
	w.list = w.list[1:]
	return req
}

func (w *waiterList) each(fn func(*getRequest)) {
	for _, req := range w.list {
		fn(req)
	}
}

func (w *waiterList) clear() { w.list = nil }

// removeIf drops the waiters for which drop returns true, keeping order.
func (w *waiterList) removeIf(drop func(*getRequest) bool) {
	kept := w.list[:0]
	for _, req := range w.list {
		if !drop(req) {
			kept = append(kept, req)
		}
	}
	clear(w.list[len(kept):])
	w.list = kept
}

func (w *waiterList) earliestDeadline() time.Time {
	var first time.Time
	for _, req := range w.list {
		if first.IsZero() || req.deadline.Before(first) {
			first = req.deadline
		}
	}
	return first
}

// serveWaiters hands queued items to parked gets, oldest waiter first.
func (q *queueActor) serveWaiters(ctx actor.Context) {
	for q.waiters.len() > 0 && q.items.len() > 0 {
		q.handOut(ctx, q.waiters.pop())
	}
	if q.waiters.len() == 0 {
		q.stopWaiterTimer()
	}
}

// armWaiterTimer makes the queue's single timer fire at the earliest
// deadline among its waiters.
func (q *queueActor) armWaiterTimer(ctx actor.Context) {
	d := time.Until(q.waiters.earliestDeadline())
	if q.waiters.timer == nil {
		self, root := ctx.Self(), q.sys.root
		q.waiters.timer = time.AfterFunc(d, func() { root.Send(self, waiterTick{}) })
		return
	}
	q.waiters.timer.Reset(d)
}

func (q *queueActor) stopWaiterTimer() {
	if q.waiters.timer != nil {
		q.waiters.timer.Stop()
	}
}

// expireWaiters answers END to every waiter whose deadline has passed.
func (q *queueActor) expireWaiters(ctx actor.Context) {
	now := time.Now()
	q.waiters.removeIf(func(req *getRequest) bool {
		if req.deadline.After(now) {
			return false
		}
		q.respond(req.reply, reply{kind: replyEmpty})
		return true
	})
	if q.waiters.len() > 0 {
		q.armWaiterTimer(ctx)
	}
}

// cancelWait withdraws a session's parked get; a get already answered is
// not affected.
func (q *queueActor) cancelWait(ctx actor.Context, req *cancelWaitRequest) {
	q.waiters.removeIf(func(w *getRequest) bool {
		if w.reply != req.reply {
			return false
		}
		w.answer(reply{kind: replyEmpty})
		return true
	})
}
