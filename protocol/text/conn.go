package text

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/protocol/internal/auth"
	"github.com/kestrel-go/kestrel/protocol/internal/netserve"
)

// conn is one client connection: it reads requests, asks the queues through
// its session, and writes the replies in order, in one write per burst of
// pipelined requests. Closing the session when the client goes returns its
// open reads to their queues.
type conn struct {
	netserve.Conn
	srv    *Server
	sess   *actors.Session
	parser *Parser
	login  auth.Login
}

func (s *Server) serveConn(nc net.Conn) {
	if s.full() {
		// Like memcached: say why, then hang up.
		netserve.Refuse(nc, AppendError(nil, "too many connections"))
		return
	}
	client := nc.RemoteAddr().String()
	cfg, stats := s.Queues.Config(), s.Queues.Stats
	log := s.Log.With("client", client)
	c := &conn{srv: s, Conn: netserve.NewConn(nc, log, &stats.BytesRead, &stats.BytesWritten, netserve.LimitsOf(cfg))}
	c.sess = s.Queues.NewSessionFor(client)
	defer c.sess.Close()
	c.parser = NewParser(c.Input(), int(cfg.MaxRequestBytes))
	c.Run(c.parser.Buffered, c.next, clientErrorReply)
}

// clientErrorReply answers a request the parser could not frame.
func clientErrorReply(err error) ([]byte, bool) {
	var ce *ClientError
	if !errors.As(err, &ce) {
		return nil, false
	}
	return AppendError(nil, ce.Reason), true
}

// next reads one request and answers it.
func (c *conn) next() error {
	req, err := c.parser.Next()
	if err != nil {
		return err
	}
	if c.gate(req) {
		c.serve(req)
	}
	return nil
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
		c.Out = AppendItem(c.Out, []byte(actors.Version))
	case CmdShutdown:
		c.done(nil)
		c.Quit = true
		if c.srv.OnShutdown != nil {
			go c.srv.OnShutdown()
		}
	case CmdQuit:
		c.Quit = true
	}
}

// done answers "+0", Kestrel's reply to a command that has nothing to
// count, or the error.
func (c *conn) done(err error) {
	if err != nil {
		c.fail(err)
		return
	}
	c.Out = AppendCount(c.Out, 0)
}

// fail turns an error from the queues into its reply. A bad queue name is
// bad input and closes the connection; a refusal by the server status
// leaves it open, so the client can retry elsewhere or later.
func (c *conn) fail(err error) {
	var bad *actors.BadQueueNameError
	var refused *actors.StatusError
	switch {
	case errors.As(err, &bad):
		c.Out = AppendError(c.Out, bad.Error())
		c.Quit = true
	case errors.As(err, &refused):
		c.Out = AppendError(c.Out, "refused: server status is "+refused.Error())
	case errors.Is(err, actors.ErrTooManyOpenReads):
		c.Out = AppendError(c.Out, fmt.Sprintf("too many open transactions; limit=%d",
			c.srv.Queues.Config().MaxOpenTransactions))
	case errors.Is(err, actors.ErrTooManyConnections):
		c.Out = AppendError(c.Out, "refused: "+err.Error())
	default:
		c.Log.Warn("request failed", "err", err)
		c.Out = AppendError(c.Out, err.Error())
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
	c.Out = AppendCount(c.Out, stored)
}

// fetch serves get (an open read) and peek. Either first confirms the
// reads this connection holds open on the queue: in this protocol every
// fetch closes the previous transaction.
func (c *conn) fetch(queue string, how actors.Read) {
	if !c.confirmAll(queue) {
		return
	}
	data, found, err := c.sess.Get(queue, how, c.Park)
	switch {
	case err != nil:
		c.fail(err)
	case found:
		c.Out = AppendItem(c.Out, data)
	default:
		c.Out = AppendNoItem(c.Out)
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
		data, found, err := c.sess.Get(req.Queue, how, c.Park)
		if err != nil {
			c.fail(err)
			return
		}
		if !found {
			break
		}
		c.Out = AppendItem(c.Out, data)
		got++
	}
	c.Out = AppendCount(c.Out, got)
}

// confirm closes up to count open reads, oldest first, and says how many
// it closed.
func (c *conn) confirm(req *Request) {
	n, err := c.sess.ConfirmReads(req.Queue, req.Count)
	switch {
	case err != nil:
		c.fail(err)
	case n == 0 && req.Count > 0:
		c.Out = AppendError(c.Out, fmt.Sprintf("not that many transactions open: none on %s", req.Queue))
	default:
		c.Out = AppendCount(c.Out, n)
	}
}

// status reports the server status as an item, or changes it.
func (c *conn) status(word string) {
	if word == "" {
		c.Out = AppendItem(c.Out, []byte(c.srv.Queues.Status().String()))
		return
	}
	next, err := actors.ParseStatus(word)
	if err != nil {
		c.Out = AppendError(c.Out, err.Error())
		c.Quit = true
		return
	}
	c.done(c.srv.Queues.SetStatus(next))
}
