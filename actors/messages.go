package actors

import (
	"time"

	"github.com/kestrel-go/kestrel/config"
)

// Messages between sessions, the queue manager, queue actors and
// transaction actors. Requests carry the channel their answer goes to, owned
// by the session that sent them, instead of a future per request.

// replyKind says what a queue answered.
type replyKind uint8

const (
	replyDone      replyKind = iota // stored, confirmed, flushed, deleted
	replyNotStored                  // the queue refused the item
	replyEmpty                      // nothing to hand out (in time)
	replyItem                       // data (and xid for an open read)
	replyError                      // err says why
	replyUnknown                    // confirm or abort of an xid the queue does not hold
	replyParked                     // the get waits for an item; its answer follows
)

type reply struct {
	kind  replyKind
	data  []byte
	xid   int32
	owner *queueStats // for an open read: the queue incarnation that holds it
	n     int
	err   error
}

// queueRequest is a message addressed to one queue, routed by the manager.
type queueRequest interface {
	queueName() string
	// createsQueue says whether naming a queue that does not exist creates it
	// (Kestrel creates queues by referring to them).
	createsQueue() bool
	// answer replies to a request that never reaches a queue actor.
	answer(r reply)
}

type requestBase struct {
	queue string
	reply chan<- reply
}

func (r *requestBase) queueName() string  { return r.queue }
func (r *requestBase) createsQueue() bool { return true }
func (r *requestBase) answer(rep reply) {
	if r.reply != nil {
		select {
		case r.reply <- rep:
		default:
		}
	}
}

// putRequest adds an item. reply is nil for noreply sets.
type putRequest struct {
	requestBase
	data   []byte
	expiry int64 // unix ms; 0 = never
}

// getRequest hands out (or with peek, shows) the head item. With a deadline
// in the future it waits in the queue's waiter list.
type getRequest struct {
	requestBase
	open     bool
	peek     bool
	deadline time.Time // zero: answer at once
}

// confirmRequest finishes an open read.
type confirmRequest struct {
	requestBase
	xid   int32
	owner *queueStats
}

func (r *confirmRequest) createsQueue() bool { return false }

// abortRequest returns an open read to the head of its queue. owner names
// the queue incarnation that handed the read out: a queue deleted and made
// anew reuses xids, and must not take another client's read for this one.
type abortRequest struct {
	requestBase
	xid   int32
	owner *queueStats
}

func (r *abortRequest) createsQueue() bool { return false }

// flushRequest discards every item of a queue.
type flushRequest struct{ requestBase }

// flushExpiredRequest drops a queue's expired items and answers how many.
type flushExpiredRequest struct{ requestBase }

func (r *flushExpiredRequest) createsQueue() bool { return false }

// deleteRequest drops a queue and its journal.
type deleteRequest struct{ requestBase }

func (r *deleteRequest) createsQueue() bool { return false }

// cancelWaitRequest withdraws a session's parked get, if still parked.
type cancelWaitRequest struct{ requestBase }

func (r *cancelWaitRequest) createsQueue() bool { return false }

// inspectRequest runs fn inside the queue actor, with its state: a way to
// look at (or break) a queue from tests without a second path to its
// state.
type inspectRequest struct {
	requestBase
	fn func(q *queueActor)
}

// Manager messages.

// listQueues asks the manager for the live queues.
type listQueues struct {
	reply chan<- []queueInfo
}

type queueInfo struct {
	name  string
	stats *queueStats
}

// reconfigure gives the manager a reloaded config to pass on.
type reconfigure struct{ cfg *config.Config }

// queueConfig gives a queue actor its settings from a reloaded config.
type queueConfig struct{ cfg config.Queue }

// queueGone tells the manager a deleted queue actor has erased its journal.
type queueGone struct{ name string }

// Queue actor self-messages.

// flushJournal ends a group-commit batch: it is queued behind every request
// that arrived while the batch was filling.
type flushJournal struct{}

// waiterTick fires when the earliest parked get reaches its deadline.
type waiterTick struct{}

// Connection and transaction actor messages.

// openRead names one open read: its queue, xid and queue incarnation.
type openRead struct {
	queue string
	xid   int32
	owner *queueStats
}

// txnOpened asks the connection actor to hold a new open read.
type txnOpened struct{ openRead }

// txnSettled tells the connection actor an open read was confirmed or
// aborted by the client, so its transaction actor stops without aborting.
type txnSettled struct{ openRead }

// settle tells a transaction actor its read is finished.
type settle struct{}
