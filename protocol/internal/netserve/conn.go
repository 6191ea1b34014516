package netserve

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sync/atomic"
	"time"
)

// flushThreshold bounds how many reply bytes wait for the client to stop
// pipelining before they are written.
const flushThreshold = 64 << 10

// Conn is what every protocol's connection shares: replies buffered and
// written in one write per burst of pipelined requests, client_timeout for
// silent clients, and a wait that a hang-up ends.
type Conn struct {
	NC  net.Conn
	Log *slog.Logger
	// Out holds the replies not yet written.
	Out []byte
	// Quit closes the connection once Out is written.
	Quit bool

	written *atomic.Int64
}

// NewConn wraps nc; written counts the bytes sent (bytes_written in stats).
func NewConn(nc net.Conn, log *slog.Logger, written *atomic.Int64) Conn {
	return Conn{NC: nc, Log: log, Out: make([]byte, 0, 4096), written: written}
}

// Serve answers requests until step fails or Quit is set. step reads one
// request and answers it into Out; pending says how many bytes of input
// are already buffered, so that replies wait while the client pipelines.
// With idle above zero, a client silent that long is closed. Serve returns
// the error of step, or nil when the connection ended otherwise.
func (c *Conn) Serve(idle time.Duration, pending func() int, step func() error) error {
	for !c.Quit {
		if idle > 0 && pending() == 0 {
			_ = c.NC.SetReadDeadline(time.Now().Add(idle))
		}
		if err := step(); err != nil {
			return err
		}
		if pending() == 0 || len(c.Out) >= flushThreshold || c.Quit {
			if !c.Flush() {
				return nil
			}
		}
	}
	return nil
}

// Flush writes Out; false when the client is gone.
func (c *Conn) Flush() bool {
	if len(c.Out) == 0 {
		return true
	}
	n, err := c.NC.Write(c.Out)
	c.written.Add(int64(n))
	c.Out = c.Out[:0]
	return err == nil
}

// Ended logs why reading ended when a malformed request (which the
// protocol answers) was not the cause.
func (c *Conn) Ended(err error) {
	switch {
	case err == nil, errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
	case errors.Is(err, os.ErrDeadlineExceeded):
		c.Log.Debug("idle client closed")
	case errors.Is(err, io.ErrUnexpectedEOF):
		c.Log.Debug("client went away mid-request")
	default:
		c.Log.Debug("read failed", "err", err)
	}
}

// Park runs while a request waits (a blocking get): the replies buffered
// so far go out, since the client may be waiting on them, and a hang-up
// ends the wait.
func (c *Conn) Park() (context.Context, func()) {
	if !c.Flush() {
		return cancelled()
	}
	return WatchHangup(c.NC)
}

// cancelled is a context that has already ended, for a wait whose client
// is known to be gone before it starts.
func cancelled() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx, cancel
}
