package memcache

import (
	"errors"
	"net"
	"strconv"
	"time"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/protocol/internal/auth"
	"github.com/kestrel-go/kestrel/protocol/internal/netserve"
)

// conn is one client connection: it reads requests, asks the queues through
// its session, and writes the replies in order, in one write per burst of
// pipelined requests.
type conn struct {
	netserve.Conn
	srv    *Server
	sess   *actors.Session
	parser *Parser
	trace  connTrace
	login  auth.Login
}

func (s *Server) serveConn(nc net.Conn) {
	if s.full() {
		// Like memcached: say why, then hang up.
		netserve.Refuse(nc, AppendServerError(nil, "too many connections"))
		return
	}
	client := nc.RemoteAddr().String()
	cfg, stats := s.Queues.Config(), s.Queues.Stats
	log := s.Log.With("client", client)
	c := &conn{srv: s, Conn: netserve.NewConn(nc, log, &stats.BytesRead, &stats.BytesWritten, netserve.LimitsOf(cfg))}
	c.sess = s.Queues.NewSessionFor(client)
	defer c.sess.Close()
	defer c.endAllTxns()
	c.parser = NewParser(c.Input(), int(cfg.MaxRequestBytes))
	c.Run(c.parser.Buffered, c.next, clientErrorReply)
}

// clientErrorReply answers a request the parser could not frame.
func clientErrorReply(err error) ([]byte, bool) {
	var ce *ClientError
	if !errors.As(err, &ce) {
		return nil, false
	}
	return AppendClientError(nil, ce.Reason), true
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

func (c *conn) line(s string) { c.Out = AppendLine(c.Out, s) }

// fail turns an error from the queues into its reply. Kestrel answers a
// misuse of reliable reads with ERROR and hangs up.
func (c *conn) fail(err error) {
	c.traceError(err)
	var bad *actors.BadQueueNameError
	switch {
	case errors.As(err, &bad):
		c.Out = AppendClientError(c.Out, bad.Error())
		c.Quit = true
	case errors.Is(err, actors.ErrTooManyOpenReads), errors.Is(err, actors.ErrReadStillOpen):
		c.Log.Warn("reliable read misuse", "err", err)
		c.line("ERROR")
		c.Quit = true
	default:
		c.Out = AppendServerError(c.Out, err.Error())
	}
}

func (c *conn) handle(req *Request) {
	switch req.Cmd {
	case CmdGet:
		c.get(req)
	case CmdSet:
		c.set(req)
	case CmdDelete:
		c.done(c.sess.Delete(req.Queue), "DELETED")
	case CmdFlush:
		c.done(c.sess.Flush(req.Queue), "END")
	case CmdFlushAll:
		c.done(c.sess.FlushAll(), "Flushed all queues.")
	case CmdFlushExpired:
		c.flushExpired(req.Queue)
	case CmdFlushAllExpired:
		c.flushExpired("")
	case CmdConfirm:
		c.confirm(req)
	case CmdMonitor:
		c.monitor(req)
	case CmdVersion:
		c.line("VERSION " + actors.Version)
	case CmdStats:
		c.stats()
	case CmdDumpStats:
		c.dumpStats(req.Args)
	case CmdDumpConfig:
		c.dumpConfig()
	case CmdStatus:
		c.status(req.Args)
	case CmdReload:
		c.reload()
	case CmdShutdown:
		c.Quit = true
		if c.srv.OnShutdown != nil {
			go c.srv.OnShutdown()
		}
	case CmdQuit:
		c.Quit = true
	}
}

func (c *conn) done(err error, ok string) {
	if err != nil {
		c.fail(err)
		return
	}
	c.line(ok)
}

func (c *conn) set(req *Request) {
	stored, err := c.sess.Put(req.Queue, req.Data, expiryTime(req.Exptime, time.Now()), !req.NoReply)
	if req.NoReply && err == nil {
		return
	}
	switch {
	case err != nil:
		c.fail(err)
	case stored:
		c.line("STORED")
	default:
		c.line("NOT_STORED")
	}
}

// expiryTime reads a memcache exptime: 0 never, under a million seconds
// from now, else unix seconds; negative means already expired.
func expiryTime(exptime int64, now time.Time) time.Time {
	switch {
	case exptime == 0:
		return time.Time{}
	case exptime < 0:
		return time.UnixMilli(1)
	case exptime < 1000000:
		return now.Add(time.Duration(exptime) * time.Second)
	default:
		return time.Unix(exptime, 0)
	}
}

// get applies Kestrel's order: an abort stands alone; otherwise a close
// happens first, then a fetch unless the request only closes.
func (c *conn) get(req *Request) {
	if req.Abort {
		if _, err := c.sess.AbortRead(req.Queue); err != nil {
			c.fail(err)
			return
		}
		c.Out = AppendEnd(c.Out)
		return
	}
	if req.Close {
		if _, err := c.sess.CloseRead(req.Queue); err != nil {
			c.fail(err)
			return
		}
		if !req.Open {
			c.Out = AppendEnd(c.Out)
			return
		}
	}
	c.fetch(req.Queue, req.Key, actors.Read{Timeout: req.Timeout, Open: req.Open, Peek: req.Peek})
}

// fetch gets one item and writes it as a get reply.
func (c *conn) fetch(queue, key string, how actors.Read) (found bool) {
	data, found, err := c.sess.Get(queue, how, c.Park)
	if err != nil {
		c.fail(err)
		return false
	}
	c.traceItem(found, len(data))
	if found {
		c.Out = AppendValueItem(c.Out, key, data)
	}
	c.Out = AppendEnd(c.Out)
	return found
}

func (c *conn) confirm(req *Request) {
	n, err := c.sess.ConfirmReads(req.Queue, req.Count)
	switch {
	case err != nil:
		c.fail(err)
	case n > 0:
		c.Out = AppendEnd(c.Out)
	default:
		c.line("ERROR")
	}
}

// monitor hands out new items as open reads until max_items came or the
// time is up, each as its own get reply, then a final END.
func (c *conn) monitor(req *Request) {
	maxItems := req.Count
	if maxItems == 0 {
		maxItems = c.srv.Queues.Config().MaxOpenTransactions
	}
	deadline := time.Now().Add(req.Duration)
	for got := 0; got < maxItems; got++ {
		left := time.Until(deadline)
		if left <= 0 || c.sess.OpenReads(req.Queue) >= c.srv.Queues.Config().MaxOpenTransactions {
			break
		}
		data, found, err := c.monitorOne(req.Queue, left)
		if err != nil {
			c.fail(err)
			return
		}
		if !found {
			break
		}
		c.Out = AppendValueItem(c.Out, req.Key, data)
		if !c.Flush() {
			c.Quit = true
			return
		}
	}
	c.Out = AppendEnd(c.Out)
}

func (c *conn) monitorOne(queue string, wait time.Duration) ([]byte, bool, error) {
	return c.sess.Get(queue, actors.Read{Timeout: wait, Open: true}, c.Park)
}

func (c *conn) flushExpired(queue string) {
	n, err := c.sess.FlushExpired(queue)
	if err != nil {
		c.fail(err)
		return
	}
	c.line(strconv.Itoa(n))
}

func (c *conn) reload() {
	if c.srv.OnReload == nil {
		c.Out = AppendServerError(c.Out, "reload: server started without a config file")
		return
	}
	if err := c.srv.OnReload(); err != nil {
		c.Out = AppendServerError(c.Out, err.Error())
		return
	}
	c.line("Reloaded config.")
}
