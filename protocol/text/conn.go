package text

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/protocol/internal/netserve"
)

// flushThreshold bounds how many reply bytes wait for the client to stop
// pipelining before they are written.
const flushThreshold = 64 << 10

// conn is one client connection: it reads requests, asks the queues through
// its session, and writes the replies in order, in one write per burst of
// pipelined requests. Closing the session when the client goes returns its
// open reads to their queues.
type conn struct {
	srv    *Server
	nc     net.Conn
	sess   *actors.Session
	parser *Parser
	out    []byte
	log    *slog.Logger
	quit   bool // close after writing what is buffered
}

func (s *Server) serveConn(nc net.Conn) {
	c := &conn{srv: s, nc: nc, log: s.Log.With("client", nc.RemoteAddr().String())}
	c.sess = s.Queues.NewSession()
	defer c.sess.Close()
	in := netserve.CountingReader{R: nc, N: &s.Queues.Stats.BytesRead}
	c.parser = NewParser(in, int(s.Queues.Config().MaxRequestBytes))
	c.out = make([]byte, 0, 4096)
	c.loop()
}

func (c *conn) loop() {
	for !c.quit {
		req, err := c.parser.Next()
		if err != nil {
			c.readFailed(err)
			return
		}
		c.handle(req)
		if c.parser.Buffered() == 0 || len(c.out) >= flushThreshold || c.quit {
			if !c.flush() {
				return
			}
		}
	}
}

// readFailed answers a malformed request before the connection closes;
// a client that simply went away gets nothing.
func (c *conn) readFailed(err error) {
	var ce *ClientError
	switch {
	case errors.As(err, &ce):
		c.out = AppendError(c.out, ce.Reason)
		c.flush()
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
	case errors.Is(err, io.ErrUnexpectedEOF):
		c.log.Debug("client went away mid-request")
	default:
		c.log.Debug("read failed", "err", err)
	}
}

func (c *conn) flush() bool {
	if len(c.out) == 0 {
		return true
	}
	n, err := c.nc.Write(c.out)
	c.srv.Queues.Stats.BytesWritten.Add(int64(n))
	c.out = c.out[:0]
	return err == nil
}

func (c *conn) handle(req *Request) {
	switch req.Cmd {
	case CmdPut:
		c.put(req)
	case CmdGet:
		c.fetch(req.Queue, actors.Read{Timeout: req.Timeout, Open: true})
	case CmdPeek:
		c.fetch(req.Queue, actors.Read{Timeout: req.Timeout, Peek: true})
	case CmdMonitor:
		c.monitor(req)
	case CmdConfirm:
		c.confirm(req)
	case CmdFlush:
		c.done(c.sess.Flush(req.Queue))
	case CmdDelete:
		c.done(c.sess.Delete(req.Queue))
	case CmdStatus:
		c.status(req.Status)
	case CmdVersion:
		c.out = AppendItem(c.out, []byte(actors.Version))
	case CmdShutdown:
		c.done(nil)
		c.quit = true
		if c.srv.OnShutdown != nil {
			go c.srv.OnShutdown()
		}
	case CmdQuit:
		c.quit = true
	}
}

// done answers "+0", Kestrel's reply to a command that has nothing to
// count, or the error.
func (c *conn) done(err error) {
	if err != nil {
		c.fail(err)
		return
	}
	c.out = AppendCount(c.out, 0)
}

// fail turns an error from the queues into its reply. A bad queue name is
// bad input and closes the connection; a refusal by the server status
// leaves it open, so the client can retry elsewhere or later.
func (c *conn) fail(err error) {
	var bad *actors.BadQueueNameError
	var refused *actors.StatusError
	switch {
	case errors.As(err, &bad):
		c.out = AppendError(c.out, bad.Error())
		c.quit = true
	case errors.As(err, &refused):
		c.out = AppendError(c.out, "refused: server status is "+refused.Error())
	case errors.Is(err, actors.ErrTooManyOpenReads):
		c.out = AppendError(c.out, fmt.Sprintf("too many open transactions; limit=%d",
			c.srv.Queues.Config().MaxOpenTransactions))
	default:
		c.log.Warn("request failed", "err", err)
		c.out = AppendError(c.out, err.Error())
	}
}

// put stores the items one by one and counts those the queue took (a full
// queue refuses some). All share one expiry, taken when the put is served.
func (c *conn) put(req *Request) {
	var expiry time.Time
	if req.HasExpiry {
		expiry = time.Now().Add(req.Expiry)
	}
	stored := 0
	for _, item := range req.Items {
		ok, err := c.sess.Put(req.Queue, item, expiry, true)
		if err != nil {
			c.fail(err)
			return
		}
		if ok {
			stored++
		}
	}
	c.out = AppendCount(c.out, stored)
}

// fetch serves get (an open read) and peek. Either first confirms the
// reads this connection holds open on the queue: in this protocol every
// fetch closes the previous transaction.
func (c *conn) fetch(queue string, how actors.Read) {
	if !c.confirmAll(queue) {
		return
	}
	data, found, err := c.sess.Get(queue, how, c.park)
	switch {
	case err != nil:
		c.fail(err)
	case found:
		c.out = AppendItem(c.out, data)
	default:
		c.out = AppendNoItem(c.out)
	}
}

func (c *conn) confirmAll(queue string) bool {
	if _, err := c.sess.ConfirmReads(queue, c.sess.OpenReads(queue)); err != nil {
		c.fail(err)
		return false
	}
	return true
}

// monitor confirms what is open on the queue, then hands out items as open
// reads until max_open_transactions are out or the timeout is up (with no
// timeout, only what is there now), and ends with how many it gave.
func (c *conn) monitor(req *Request) {
	if !c.confirmAll(req.Queue) {
		return
	}
	deadline := time.Now().Add(req.Timeout)
	got := 0
	for got < c.srv.Queues.Config().MaxOpenTransactions {
		how := actors.Read{Timeout: max(time.Until(deadline), 0), Open: true}
		data, found, err := c.sess.Get(req.Queue, how, c.park)
		if err != nil {
			c.fail(err)
			return
		}
		if !found {
			break
		}
		c.out = AppendItem(c.out, data)
		got++
	}
	c.out = AppendCount(c.out, got)
}

// confirm closes up to count open reads, oldest first, and says how many
// it closed.
func (c *conn) confirm(req *Request) {
	n, err := c.sess.ConfirmReads(req.Queue, req.Count)
	switch {
	case err != nil:
		c.fail(err)
	case n == 0 && req.Count > 0:
		c.out = AppendError(c.out, fmt.Sprintf("not that many transactions open: none on %s", req.Queue))
	default:
		c.out = AppendCount(c.out, n)
	}
}

// status reports the server status as an item, or changes it.
func (c *conn) status(word string) {
	if word == "" {
		c.out = AppendItem(c.out, []byte(c.srv.Queues.Status().String()))
		return
	}
	next, err := actors.ParseStatus(word)
	if err != nil {
		c.out = AppendError(c.out, err.Error())
		c.quit = true
		return
	}
	c.done(c.srv.Queues.SetStatus(next))
}

// park runs while a get waits for an item: the replies buffered so far go
// out (the client may be waiting on them), and a hang-up ends the wait.
func (c *conn) park() (context.Context, func()) {
	if !c.flush() {
		return netserve.Cancelled()
	}
	return netserve.WatchHangup(c.nc)
}
