package actors

import (
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/scheduler"
)

// connectionActor stands for one client connection. It is the parent of the
// transaction actors holding the connection's open reads, so stopping it
// (the client went away) stops them, and each returns its item.
type connectionActor struct {
	sys     *System
	txns    map[openRead]*actor.PID
	expired *expiredReads
}

func (c *connectionActor) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		c.txns = make(map[openRead]*actor.PID)
	case *txnOpened:
		c.txns[msg.openRead] = ctx.Spawn(c.sys.transactionProps(msg.openRead, msg.timeout))
	case *txnSettled:
		key := msg.openRead
		if pid, ok := c.txns[key]; ok {
			delete(c.txns, key)
			ctx.Send(pid, settle{})
			ctx.Poison(pid)
		}
	case *txnTimedOut:
		delete(c.txns, msg.openRead)
		c.expired.add(msg.openRead)
	}
}

// expiredReads are open reads aborted by open_transaction_timeout, waiting
// for the session to forget them. Written by the connection actor, read by
// the session's goroutine.
type expiredReads struct {
	mu    sync.Mutex
	reads []openRead
}

func (e *expiredReads) add(r openRead) {
	e.mu.Lock()
	e.reads = append(e.reads, r)
	e.mu.Unlock()
}

func (e *expiredReads) take() []openRead {
	e.mu.Lock()
	defer e.mu.Unlock()
	reads := e.reads
	e.reads = nil
	return reads
}

// transactionActor holds one open read. Unless it is told the read was
// settled, stopping it sends the abort that returns the item to its queue;
// so does its own timer, when the queue has an open_transaction_timeout.
type transactionActor struct {
	sys     *System
	read    openRead
	timeout time.Duration
	cancel  scheduler.CancelFunc
	settled bool
}

// txnTimeout is a transaction actor's deadline.
type txnTimeout struct{}

func (t *transactionActor) Receive(ctx actor.Context) {
	switch ctx.Message().(type) {
	case *actor.Started:
		if t.timeout > 0 {
			t.cancel = scheduler.NewTimerScheduler(t.sys.root).SendOnce(t.timeout, ctx.Self(), txnTimeout{})
		}
	case settle:
		t.settled = true
	case txnTimeout:
		if !t.settled {
			t.abort(ctx)
			ctx.Send(ctx.Parent(), &txnTimedOut{t.read})
			ctx.Stop(ctx.Self())
		}
	case *actor.Stopping:
		if t.cancel != nil {
			t.cancel()
		}
		if !t.settled {
			t.abort(ctx)
		}
	}
}

func (t *transactionActor) abort(ctx actor.Context) {
	t.settled = true
	r := t.read
	ctx.Send(t.sys.manager, &abortRequest{requestBase: requestBase{queue: r.queue}, xid: r.xid, owner: r.owner})
}
