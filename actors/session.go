package actors

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/config"
)

// Errors a session reports to its protocol.
var (
	// ErrTooManyOpenReads: an open read would pass max_open_transactions.
	ErrTooManyOpenReads = errors.New("too many open reads")
	// ErrReadStillOpen: a plain get on a queue where this client holds an
	// open read (Kestrel refuses it).
	ErrReadStillOpen = errors.New("a read is still open on this queue")
	// ErrTooManyConnections: this connection came when the server had more
	// connections than connection_limit_refuse_writes (or _reads) allows.
	ErrTooManyConnections = errors.New("too many connections")
)

// BadQueueNameError is a request naming a queue that cannot exist.
type BadQueueNameError struct{ Err error }

func (e *BadQueueNameError) Error() string { return e.Err.Error() }
func (e *BadQueueNameError) Unwrap() error { return e.Err }

func errInternal(queue string) error {
	return fmt.Errorf("queue %s: internal error, restarting from journal", queue)
}

// Session is one client's handle on the queues: protocol code calls it from
// the connection's goroutine, one request at a time. It keeps the client's
// open reads, oldest first per queue, as Kestrel's handler does.
type Session struct {
	sys     *System
	conn    *actor.PID
	replies chan reply
	open    map[string][]openRead
	expired *expiredReads
	client  string // the client's address, for the logs
	// Kestrel decides once, when a client connects, whether the server was
	// too busy for it to write or read.
	refuseWrites, refuseReads bool
}

// NewSession registers a client connection.
func (s *System) NewSession() *Session {
	count := s.Stats.CurrConnections.Add(1)
	s.Stats.TotalConnections.Add(1)
	cfg := s.Config()
	expired := &expiredReads{}
	conn := s.root.Spawn(actor.PropsFromProducer(func() actor.Actor {
		return &connectionActor{sys: s, expired: expired}
	}))
	return &Session{
		sys:  s,
		conn: conn,
		// Room for a get's "parked" notice and its answer.
		replies: make(chan reply, 2),
		open:    make(map[string][]openRead),
		expired: expired,

		refuseWrites: cfg.ConnectionLimitRefuseWrites > 0 && count > int64(cfg.ConnectionLimitRefuseWrites),
		refuseReads:  cfg.ConnectionLimitRefuseReads > 0 && count > int64(cfg.ConnectionLimitRefuseReads),
	}
}

// Close ends the session: every read it left open goes back to its queue.
func (s *Session) Close() {
	s.returnOpenReads()
	s.sys.root.Poison(s.conn)
	s.sys.Stats.CurrConnections.Add(-1)
}

// System returns the queues this session talks to.
func (s *Session) System() *System { return s.sys }

func (s *Session) base(queue string) requestBase {
	return requestBase{queue: queue, reply: s.replies, client: s.client}
}

func (s *Session) call(req queueRequest) reply {
	s.sys.root.Send(s.sys.manager, req)
	return <-s.replies
}

func checkName(queue string) error {
	if err := config.ValidQueueName(queue); err != nil {
		return &BadQueueNameError{err}
	}
	return nil
}

// Put adds an item; expiry zero means never. With ack false (noreply) it
// does not wait: later requests of this session still see the item, since
// messages from one sender arrive in order.
func (s *Session) Put(queue string, data []byte, expiry time.Time, ack bool) (stored bool, err error) {
	if err := checkName(queue); err != nil {
		return false, err
	}
	s.sys.Stats.CmdSet.Add(1)
	if err := s.sys.allowWrite(); err != nil {
		return false, err
	}
	if s.refuseWrites {
		return false, ErrTooManyConnections
	}
	req := &putRequest{requestBase: s.base(queue), data: data, expiry: expiryMs(expiry)}
	if !ack {
		req.reply = nil
		s.sys.root.Send(s.sys.manager, req)
		return true, nil
	}
	r := s.call(req)
	switch r.kind {
	case replyDone:
		return true, nil
	case replyError:
		return false, r.err
	}
	return false, nil
}

func expiryMs(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return max(t.UnixMilli(), 1)
}

// Read says how Get takes an item.
type Read struct {
	Timeout time.Duration // wait up to this long for an item
	Open    bool          // hold the item as an open read until closed
	Peek    bool          // show the head item without removing it
	// AutoAbort returns an open read to its queue after this long unless
	// it was confirmed; 0 leaves it to the queue's open_transaction_timeout.
	AutoAbort time.Duration
	// MaxOpen bounds this session's open reads on the queue; 0 means the
	// server's max_open_transactions.
	MaxOpen int
}

// Item is an item handed out by GetItem. ID names an open read for
// ConfirmIDs and AbortIDs.
type Item struct {
	Data []byte
	ID   int32
}

// Parker is told when a get has to wait for an item. The context it returns
// ends the wait early (the client went away); done is called once the wait
// is over.
type Parker func() (ctx context.Context, done func())

// Get fetches the head item of queue. found is false when nothing came in
// time. park, which may be nil, is called only when the get has to wait, so
// a get served at once costs nothing more.
func (s *Session) Get(queue string, how Read, park Parker) (data []byte, found bool, err error) {
	it, found, err := s.GetItem(queue, how, park)
	return it.Data, found, err
}

// GetItem is Get, also giving the id of an open read.
func (s *Session) GetItem(queue string, how Read, park Parker) (Item, bool, error) {
	if err := s.checkRead(queue, how); err != nil {
		return Item{}, false, err
	}
	s.countGet(how)
	req := &getRequest{requestBase: s.base(queue), open: how.Open, peek: how.Peek}
	if how.Timeout > 0 {
		req.deadline = time.Now().Add(how.Timeout)
	}
	r := s.wait(req, park)
	switch r.kind {
	case replyItem:
		s.sys.Stats.GetHits.Add(1)
		s.sys.countQueueRead(queue, how.Peek, true)
		if how.Open {
			s.holdOpen(queue, r, how.AutoAbort)
		}
		return Item{Data: r.data, ID: r.xid}, true, nil
	case replyError:
		return Item{}, false, r.err
	}
	s.sys.Stats.GetMisses.Add(1)
	s.sys.countQueueRead(queue, how.Peek, false)
	return Item{}, false, nil
}

// checkRead applies the rules a read must pass before it reaches a queue.
func (s *Session) checkRead(queue string, how Read) error {
	if err := checkName(queue); err != nil {
		return err
	}
	if err := s.sys.allowRead(); err != nil {
		return err
	}
	if s.refuseReads {
		return ErrTooManyConnections
	}
	s.forgetExpired()
	limit := how.MaxOpen
	if limit <= 0 {
		limit = s.sys.Config().MaxOpenTransactions
	}
	if how.Open && len(s.open[queue]) >= limit {
		return ErrTooManyOpenReads
	}
	if !how.Open && !how.Peek && len(s.open[queue]) > 0 {
		return ErrReadStillOpen
	}
	return nil
}

// holdOpen records an open read and gives it a transaction actor.
func (s *Session) holdOpen(queue string, r reply, autoAbort time.Duration) {
	timeout := r.timeout
	if autoAbort > 0 {
		timeout = autoAbort
	}
	read := openRead{queue: queue, xid: r.xid, owner: r.owner}
	s.open[queue] = append(s.open[queue], read)
	s.sys.root.Send(s.conn, &txnOpened{openRead: read, timeout: timeout})
}

func (s *Session) countGet(how Read) {
	if how.Peek {
		s.sys.Stats.CmdPeek.Add(1)
	} else {
		s.sys.Stats.CmdGet.Add(1)
	}
}

// wait sends a get and waits for its answer. If the queue parks it and the
// parker's context ends first, it withdraws the get and takes whatever
// answer the queue gave (an item handed out just before the withdrawal
// still counts).
func (s *Session) wait(req *getRequest, park Parker) reply {
	s.sys.root.Send(s.sys.manager, req)
	r := <-s.replies
	if r.kind != replyParked {
		return r
	}
	if park == nil {
		return <-s.replies
	}
	ctx, done := park()
	defer done()
	select {
	case r = <-s.replies:
		return r
	case <-ctx.Done():
		s.sys.root.Send(s.sys.manager, &cancelWaitRequest{requestBase: s.base(req.queue)})
		return <-s.replies
	}
}

// OpenReads is the number of reads this session holds open on queue.
func (s *Session) OpenReads(queue string) int {
	s.forgetExpired()
	return len(s.open[queue])
}

// forgetExpired drops the open reads that open_transaction_timeout already
// returned to their queues.
func (s *Session) forgetExpired() {
	for _, gone := range s.expired.take() {
		reads := s.open[gone.queue]
		for i, r := range reads {
			if r == gone {
				reads = append(reads[:i:i], reads[i+1:]...)
				break
			}
		}
		if len(reads) == 0 {
			delete(s.open, gone.queue)
		} else {
			s.open[gone.queue] = reads
		}
	}
}

// CloseRead confirms the oldest open read on queue; false when there was
// none.
func (s *Session) CloseRead(queue string) (bool, error) {
	n, err := s.ConfirmReads(queue, 1)
	return n > 0, err
}

// ConfirmReads confirms up to n open reads on queue, oldest first, and
// says how many there were.
func (s *Session) ConfirmReads(queue string, n int) (int, error) {
	s.forgetExpired()
	done := 0
	for done < n && len(s.open[queue]) > 0 {
		read := s.popOpen(queue)
		r := s.call(&confirmRequest{requestBase: s.base(queue), xid: read.xid, owner: read.owner})
		if r.kind == replyError {
			return done, r.err
		}
		done++
	}
	return done, nil
}

// AbortRead returns the oldest open read on queue to the head of the
// queue; false when there was none.
func (s *Session) AbortRead(queue string) (bool, error) {
	if err := s.sys.allowRead(); err != nil {
		return false, err
	}
	s.forgetExpired()
	if len(s.open[queue]) == 0 {
		return false, nil
	}
	read := s.popOpen(queue)
	r := s.call(&abortRequest{requestBase: s.base(queue), xid: read.xid, owner: read.owner})
	if r.kind == replyError {
		return false, r.err
	}
	return true, nil
}

// popOpen forgets the oldest open read of queue and stops its transaction
// actor, which then no longer aborts it.
func (s *Session) popOpen(queue string) openRead {
	reads := s.open[queue]
	read := reads[0]
	if len(reads) == 1 {
		delete(s.open, queue)
	} else {
		s.open[queue] = reads[1:]
	}
	s.sys.root.Send(s.conn, &txnSettled{read})
	return read
}

// Flush discards every item of queue.
func (s *Session) Flush(queue string) error {
	if err := checkName(queue); err != nil {
		return err
	}
	if err := s.sys.allowWrite(); err != nil {
		return err
	}
	if r := s.call(&flushRequest{s.base(queue)}); r.kind == replyError {
		return r.err
	}
	return nil
}

// FlushAll flushes every queue, one at a time.
func (s *Session) FlushAll() error {
	if err := s.sys.allowWrite(); err != nil {
		return err
	}
	for _, name := range s.sys.QueueNames() {
		if err := s.Flush(name); err != nil {
			return err
		}
	}
	return nil
}

// Delete drops queue and its journal.
func (s *Session) Delete(queue string) error {
	if err := checkName(queue); err != nil {
		return err
	}
	if err := s.sys.allowWrite(); err != nil {
		return err
	}
	for len(s.open[queue]) > 0 {
		s.popOpen(queue) // its open reads die with it
	}
	if r := s.call(&deleteRequest{requestBase: s.base(queue)}); r.kind == replyError {
		return r.err
	}
	return nil
}

// FlushExpired drops the expired items of queue, or of every queue when
// queue is "", and says how many.
func (s *Session) FlushExpired(queue string) (int, error) {
	if err := s.sys.allowWrite(); err != nil {
		return 0, err
	}
	names := []string{queue}
	if queue == "" {
		names = s.sys.QueueNames()
	} else if err := checkName(queue); err != nil {
		return 0, err
	}
	total := 0
	for _, name := range names {
		r := s.call(&flushExpiredRequest{s.base(name)})
		if r.kind == replyError {
			return total, r.err
		}
		total += r.n
	}
	return total, nil
}

// returnOpenReads aborts every open read, newest first per queue, from this
// one sender: an aborted read goes to the head, so the oldest ends up first,
// as it was handed out. The transaction actors, stopped with the connection
// actor just after, send their own aborts too; the queue ignores an abort
// of a read it no longer holds.
func (s *Session) returnOpenReads() {
	for queue, reads := range s.open {
		for i := len(reads) - 1; i >= 0; i-- {
			r := reads[i]
			s.sys.root.Send(s.sys.manager, &abortRequest{requestBase: requestBase{queue: queue}, xid: r.xid, owner: r.owner})
		}
	}
}
