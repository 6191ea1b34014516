package actors

import (
	"github.com/asynkron/protoactor-go/actor"
)

// connectionActor stands for one client connection. It is the parent of the
// transaction actors holding the connection's open reads, so stopping it
// (the client went away) stops them, and each returns its item.
type connectionActor struct {
	sys  *System
	txns map[txnKey]*actor.PID
}

type txnKey struct {
	queue string
	xid   int32
}

func (c *connectionActor) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		c.txns = make(map[txnKey]*actor.PID)
	case *txnOpened:
		c.txns[txnKey(*msg)] = ctx.Spawn(c.sys.transactionProps(msg.queue, msg.xid))
	case *txnSettled:
		key := txnKey(*msg)
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
	queue   string
	xid     int32
	settled bool
}

func (t *transactionActor) Receive(ctx actor.Context) {
	switch ctx.Message().(type) {
	case settle:
		t.settled = true
	case *actor.Stopping:
		if !t.settled {
			ctx.Send(t.sys.manager, &abortRequest{requestBase: requestBase{queue: t.queue}, xid: t.xid})
		}
	}
}
