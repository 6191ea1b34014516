package actors

import (
	"github.com/asynkron/protoactor-go/actor"
)

// connectionActor stands for one client connection. It is the parent of the
// transaction actors holding the connection's open reads, so stopping it
// (the client went away) stops them, and each returns its item.
type connectionActor struct {
	sys  *System
	txns map[openRead]*actor.PID
}

func (c *connectionActor) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		c.txns = make(map[openRead]*actor.PID)
	case *txnOpened:
		c.txns[msg.openRead] = ctx.Spawn(c.sys.transactionProps(msg.openRead))
	case *txnSettled:
		key := msg.openRead
		if pid, ok := c.txns[key]; ok {
			delete(c.txns, key)
			ctx.Send(pid, settle{})
			ctx.Poison(pid)
		}
	}
}

// transactionActor holds one open read. Unless it is told the read was
// settled, stopping it sends the abort that returns the item to its queue.
type transactionActor struct {
	sys     *System
	read    openRead
	settled bool
}

func (t *transactionActor) Receive(ctx actor.Context) {
	switch ctx.Message().(type) {
	case settle:
		t.settled = true
	case *actor.Stopping:
		if !t.settled {
			r := t.read
			ctx.Send(t.sys.manager, &abortRequest{requestBase: requestBase{queue: r.queue}, xid: r.xid, owner: r.owner})
		}
	}
}
