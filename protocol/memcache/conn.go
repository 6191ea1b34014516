package memcache

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/kestrel-go/kestrel/actors"
)

// flushThreshold bounds how many reply bytes wait for the client to stop
// pipelining before they are written.
const flushThreshold = 64 << 10

// conn is one client connection: it reads requests, asks the queues through
// its session, and writes the replies in order, in one write per burst of
// pipelined requests.
type conn struct {
	srv    *Server
	nc     net.Conn
	sess   *actors.Session
	parser *Parser
	out    []byte
	log    *slog.Logger
	quit   bool // close after writing what is buffered
	trace  connTrace
}

func (s *Server) serveConn(nc net.Conn) {
	defer s.wg.Done()
	defer s.untrack(nc)
	defer nc.Close()
	c := &conn{srv: s, nc: nc, log: s.Log.With("client", nc.RemoteAddr().String())}
	// A bug in one connection's handling must not take the server down: it
	// costs that client its connection, and its open reads go back.
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("connection handler panicked", "panic", r, "stack", string(debug.Stack()))
		}
	}()
	c.sess = s.Queues.NewSessionFor(nc.RemoteAddr().String())
	defer c.sess.Close()
	defer c.endAllTxns()
	cfg := s.Queues.Config()
	c.parser = NewParser(statsReader{nc, &s.Queues.Stats.BytesRead}, int(cfg.MaxRequestBytes))
	c.out = make([]byte, 0, 4096)
	c.loop()
}

func (c *conn) loop() {
	idle := c.srv.Queues.Config().ClientTimeout
	for !c.quit {
		if idle > 0 && c.parser.Buffered() == 0 {
			// client_timeout: a client silent this long is closed.
			_ = c.nc.SetReadDeadline(time.Now().Add(idle))
		}
		req, err := c.parser.Next()
		if err != nil {
			c.readFailed(err)
			return
		}
		c.serve(req)
		if c.parser.Buffered() == 0 || len(c.out) >= flushThreshold || c.quit {
			if !c.flush() {
				return
			}
		}
	}
}

func (c *conn) readFailed(err error) {
	var ce *ClientError
	switch {
	case errors.As(err, &ce):
		c.out = AppendClientError(c.out, ce.Reason)
		c.flush()
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.log.Debug("idle client closed", "client_timeout", c.srv.Queues.Config().ClientTimeout)
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

func (c *conn) line(s string) { c.out = AppendLine(c.out, s) }

// fail turns an error from the queues into its reply. Kestrel answers a
// misuse of reliable reads with ERROR and hangs up.
func (c *conn) fail(err error) {
	c.traceError(err)
	var bad *actors.BadQueueNameError
	switch {
	case errors.As(err, &bad):
		c.out = AppendClientError(c.out, bad.Error())
		c.quit = true
	case errors.Is(err, actors.ErrTooManyOpenReads), errors.Is(err, actors.ErrReadStillOpen):
		c.log.Warn("reliable read misuse", "err", err)
		c.line("ERROR")
		c.quit = true
	default:
		c.out = AppendServerError(c.out, err.Error())
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
		c.quit = true
		if c.srv.OnShutdown != nil {
			go c.srv.OnShutdown()
		}
	case CmdQuit:
		c.quit = true
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
		c.out = AppendEnd(c.out)
		return
	}
	if req.Close {
		if _, err := c.sess.CloseRead(req.Queue); err != nil {
			c.fail(err)
			return
		}
		if !req.Open {
			c.out = AppendEnd(c.out)
			return
		}
	}
	c.fetch(req.Queue, req.Key, actors.Read{Timeout: req.Timeout, Open: req.Open, Peek: req.Peek})
}

// fetch gets one item and writes it as a get reply.
func (c *conn) fetch(queue, key string, how actors.Read) (found bool) {
	data, found, err := c.sess.Get(queue, how, c.park)
	if err != nil {
		c.fail(err)
		return false
	}
	c.traceItem(found, len(data))
	if found {
		c.out = AppendValueItem(c.out, key, data)
	}
	c.out = AppendEnd(c.out)
	return found
}

func (c *conn) confirm(req *Request) {
	n, err := c.sess.ConfirmReads(req.Queue, req.Count)
	switch {
	case err != nil:
		c.fail(err)
	case n > 0:
		c.out = AppendEnd(c.out)
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
		c.out = AppendValueItem(c.out, req.Key, data)
		if !c.flush() {
			c.quit = true
			return
		}
	}
	c.out = AppendEnd(c.out)
}

func (c *conn) monitorOne(queue string, wait time.Duration) ([]byte, bool, error) {
	return c.sess.Get(queue, actors.Read{Timeout: wait, Open: true}, c.park)
}

// park runs while a get waits for an item: the replies buffered so far go
// out (the client may be waiting on them), and a hang-up ends the wait.
func (c *conn) park() (context.Context, func()) {
	if !c.flush() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, func() {}
	}
	return c.watchHangup()
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
		c.out = AppendServerError(c.out, "reload: server started without a config file")
		return
	}
	if err := c.srv.OnReload(); err != nil {
		c.out = AppendServerError(c.out, err.Error())
		return
	}
	c.line("Reloaded config.")
}

// statsReader adds what it reads to the server's bytes_read.
type statsReader struct {
	r interface{ Read([]byte) (int, error) }
	n interface{ Add(int64) int64 }
}

func (r statsReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n.Add(int64(n))
	return n, err
}
