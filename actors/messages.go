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
	kind    replyKind
	data    []byte
	xid     int32
	owner   *queueStats   // for an open read: the queue incarnation that holds it
	timeout time.Duration // for an open read: the queue's open_transaction_timeout
	n       int
	err     error
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
	queue  string
	reply  chan<- reply
	client string // the client's address, for the logs; "" for the server's own requests
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

// putRequest adds an item. reply is nil for noreply sets. A copy of an item
// fanned out to a child queue or an alias destination answers through join
// instead, and never creates its queue.
type putRequest struct {
	requestBase
	data   []byte
	expiry int64 // unix ms; 0 = never
	join   *fanoutJoin
	counts bool // this queue's answer decides the join's
	copy   bool // a fanout copy: a deleted child must stay deleted
}

func (r *putRequest) createsQueue() bool { return !r.copy }

func (r *putRequest) answer(rep reply) {
	if r.join != nil {
		r.join.done(rep, r.counts)
		return
	}
	r.requestBase.answer(rep)
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

// deleteRequest drops a queue and its journal. ifIdle asks the queue to go
// only if it is still empty and idle (max_queue_age); otherwise it stays
// and says so with queueKept.
type deleteRequest struct {
	requestBase
	ifIdle bool
}

func (r *deleteRequest) createsQueue() bool { return false }

// cancelWaitRequest withdraws a session's parked get, if still parked.
type cancelWaitRequest struct{ requestBase }

func (r *cancelWaitRequest) createsQueue() bool { return false }

// compactRequest rewrites a queue's journal to its current state.
type compactRequest struct{ requestBase }

func (r *compactRequest) createsQueue() bool { return false }

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

// fanoutChildren tells a parent queue the names of its fanout children.
type fanoutChildren struct{ names []string }

// sweepTick starts a round of the background expiry sweep.
type sweepTick struct{}

// retireQueue asks the manager to delete an empty queue older than
// max_queue_age.
type retireQueue struct{ name string }

// queueKept tells the manager that a queue asked to retire had new work by
// the time it was told to go, so it stays.
type queueKept struct{ name string }

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

// txnOpened asks the connection actor to hold a new open read, aborted
// after timeout unless settled (0: never).
type txnOpened struct {
	openRead
	timeout time.Duration
}

// txnTimedOut tells the connection actor its transaction actor aborted its
// read at open_transaction_timeout.
type txnTimedOut struct{ openRead }

// txnSettled tells the connection actor an open read was confirmed or
// aborted by the client, so its transaction actor stops without aborting.
type txnSettled struct{ openRead }

// settle tells a transaction actor its read is finished.
type settle struct{}
