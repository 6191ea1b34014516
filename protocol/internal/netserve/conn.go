package netserve

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sync/atomic"
	"time"
)

const (
	// flushThreshold bounds how many reply bytes wait for the client to
	// stop pipelining before they are written.
	flushThreshold = 64 << 10
	// writeChunk is the most one write hands the socket under one
	// write_timeout deadline: a long reply to a slow reader must make
	// progress, not finish within write_timeout.
	writeChunk = 256 << 10
	// keptOut is the largest reply buffer kept between requests: one a
	// big reply grew is dropped, so an idle connection costs little.
	keptOut = flushThreshold
	// refuseTimeout bounds telling a refused client why.
	refuseTimeout = 5 * time.Second
)

// Conn is what every protocol's connection shares: replies buffered and
// written in one write per burst of pipelined requests, deadlines for
// clients that stall (Limits), and a wait that a hang-up ends.
type Conn struct {
	NC  net.Conn
	Log *slog.Logger
	// Out holds the replies not yet written.
	Out []byte
	// Quit closes the connection once Out is written.
	Quit bool

	limits        Limits
	read, written *atomic.Int64
	// inRequest says part of the next request has been read; reqStart is
	// when the server first had to wait for the rest (zero until then).
	inRequest bool
	reqStart  time.Time
	deadline  time.Time // the read deadline set on NC, so it is set only when it changes
	// pushback holds input the hang-up watch of a TLS connection read
	// while a request waited: the start of the client's next request.
	pushback []byte
}

// NewConn wraps nc; read and written count the bytes received and sent
// (bytes_read and bytes_written in stats).
func NewConn(nc net.Conn, log *slog.Logger, read, written *atomic.Int64, limits Limits) Conn {
	return Conn{NC: nc, Log: log, read: read, written: written, limits: limits}
}

// Input is the client's byte stream, for the protocol's parser: reading it
// counts the bytes and applies client_timeout and request_timeout.
func (c *Conn) Input() io.Reader { return input{c} }

type input struct{ c *Conn }

func (in input) Read(p []byte) (int, error) { return in.c.readInput(p) }

func (c *Conn) readInput(p []byte) (int, error) {
	if len(c.pushback) > 0 {
		n := copy(p, c.pushback)
		c.pushback = c.pushback[n:]
		c.inRequest = true
		return n, nil
	}
	c.armRead()
	n, err := c.NC.Read(p)
	c.read.Add(int64(n))
	if n > 0 {
		c.inRequest = true
	}
	return n, err
}

// armRead sets the read deadline: client_timeout while no request has
// begun, request_timeout from the first wait inside one.
func (c *Conn) armRead() {
	var d time.Time
	switch limit := c.limits.request(); {
	case !c.inRequest:
		if c.limits.Idle > 0 {
			d = time.Now().Add(c.limits.Idle)
		}
	case limit > 0:
		if c.reqStart.IsZero() {
			c.reqStart = time.Now()
		}
		d = c.reqStart.Add(limit)
	}
	if !d.Equal(c.deadline) {
		_ = c.NC.SetReadDeadline(d)
		c.deadline = d
	}
}

// Serve answers requests until step fails or Quit is set. step reads one
// request from Input and answers it into Out; pending says how many bytes
// of input are already buffered, so that replies wait while the client
// pipelines. Serve returns the error of step, or nil when the connection
// ended otherwise.
func (c *Conn) Serve(pending func() int, step func() error) error {
	if err := c.handshake(); err != nil {
		return err
	}
	for !c.Quit {
		// Bytes already buffered are the beginning of the next request.
		c.inRequest, c.reqStart = pending() > 0, time.Time{}
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

// handshakeError is a TLS client that never got as far as a request.
type handshakeError struct{ err error }

func (e *handshakeError) Error() string { return "TLS handshake: " + e.err.Error() }
func (e *handshakeError) Unwrap() error { return e.err }

// handshake completes a TLS handshake under the request limit, so that a
// client stalling in it is treated like one stalling mid-request.
func (c *Conn) handshake() error {
	tc, ok := c.NC.(*tls.Conn)
	if !ok {
		return nil
	}
	if limit := c.limits.request(); limit > 0 {
		_ = c.NC.SetDeadline(time.Now().Add(limit))
	}
	// On a goroutine of its own, which ends with it: the handshake's deep
	// crypto calls grow a stack to tens of KiB, which the connection's
	// goroutine would otherwise keep while its client idles.
	done := make(chan error, 1)
	go func() { done <- tc.Handshake() }()
	err := <-done
	_ = c.NC.SetDeadline(time.Time{})
	if err != nil {
		return &handshakeError{err}
	}
	return nil
}

// Flush writes Out; false when the client is gone or did not make room
// for the replies within write_timeout (the caller then hangs up, so a
// client that never reads costs at most Out and the socket's buffers).
func (c *Conn) Flush() bool {
	if len(c.Out) == 0 {
		return true
	}
	err := c.write(c.Out)
	if cap(c.Out) > keptOut {
		c.Out = nil
	} else {
		c.Out = c.Out[:0]
	}
	return err == nil
}

func (c *Conn) write(out []byte) error {
	for len(out) > 0 {
		chunk := out[:min(len(out), writeChunk)]
		if c.limits.Write > 0 {
			_ = c.NC.SetWriteDeadline(time.Now().Add(c.limits.Write))
		}
		n, err := c.NC.Write(chunk)
		c.written.Add(int64(n))
		if errors.Is(err, os.ErrDeadlineExceeded) {
			c.Log.Info("client not reading its replies; closing", "write_timeout", c.limits.Write, "unsent_bytes", len(out)-n)
		}
		if err != nil {
			return err
		}
		out = out[n:]
	}
	return nil
}

// Ended logs why reading ended when a malformed request (which the
// protocol answers) was not the cause.
func (c *Conn) Ended(err error) {
	var hs *handshakeError
	switch {
	case err == nil, errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
	case errors.As(err, &hs):
		c.Log.Debug("TLS handshake failed", "err", hs.err)
	case errors.Is(err, os.ErrDeadlineExceeded) && c.inRequest:
		c.Log.Info("client too slow: request not whole within request_timeout; closed", "request_timeout", c.limits.request())
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
	ctx, stop := c.watchHangup()
	return ctx, func() {
		stop()
		c.deadline = time.Time{} // the watch leaves no read deadline
	}
}

// cancelled is a context that has already ended, for a wait whose client
// is known to be gone before it starts.
func cancelled() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx, cancel
}

// Refuse tells a client why it is not served; the caller then hangs up.
// The write (and a TLS handshake it needs) gets a few seconds: a client
// that does not read is not waited for.
func Refuse(nc net.Conn, reply []byte) {
	_ = nc.SetDeadline(time.Now().Add(refuseTimeout))
	_, _ = nc.Write(reply) // hung up on either way
}

// Run serves like Serve, then ends the connection: when reading stopped on
// a request that cannot be framed, unframable gives the reply to send before
// hanging up (the rest of the stream cannot be trusted); otherwise why
// reading ended is logged.
func (c *Conn) Run(pending func() int, step func() error, unframable func(error) ([]byte, bool)) {
	err := c.Serve(pending, step)
	if reply, ok := unframable(err); ok {
		c.Out = append(c.Out, reply...)
		c.Flush()
		return
	}
	c.Ended(err)
}
