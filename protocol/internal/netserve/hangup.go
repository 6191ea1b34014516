package netserve

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"
	"time"
)

// watchHangup returns a context that ends when the client hangs up, for a
// request that waits (a blocking get) to be withdrawn instead of handing
// an item to a closed connection. stop ends the watch and must be called
// before the connection is read again; it leaves no read deadline.
func (c *Conn) watchHangup() (ctx context.Context, stop func()) {
	if sc, ok := c.NC.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			return watchPeek(c.NC, raw)
		}
	}
	return c.watchRead()
}

// watchPeek peeks at the socket (MSG_PEEK) without consuming bytes, so
// pipelined requests stay for the parser.
func watchPeek(nc net.Conn, raw syscall.RawConn) (context.Context, func()) {
	return watch(nc, func() bool { return hungUp(raw) })
}

// watchRead is for a connection whose socket cannot be peeked at (TLS
// decrypts records): it reads, and what arrives is the client's next
// request, kept in pushback for the parser.
func (c *Conn) watchRead() (context.Context, func()) {
	return watch(c.NC, func() bool {
		buf := make([]byte, 4096)
		n, err := c.NC.Read(buf)
		c.read.Add(int64(n))
		c.pushback = append(c.pushback, buf[:n]...)
		return err != nil && !errors.Is(err, os.ErrDeadlineExceeded)
	})
}

// watch runs gone in a goroutine and ends the context when it reports a
// hang-up. gone must return once nc's read deadline passes.
func watch(nc net.Conn, gone func() bool) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	_ = nc.SetReadDeadline(time.Time{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		if gone() {
			cancel()
		}
	}()
	return ctx, func() {
		// A deadline in the past wakes the watcher; clearing it afterwards
		// leaves the next read of nc unaffected.
		_ = nc.SetReadDeadline(time.Unix(1, 0))
		<-done
		_ = nc.SetReadDeadline(time.Time{})
		cancel()
	}
}

// hungUp waits until the socket is readable and reports whether that is
// because the peer closed it (a zero-byte peek) or the socket failed.
func hungUp(raw syscall.RawConn) bool {
	var closed bool
	buf := make([]byte, 1)
	err := raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf, syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		if errors.Is(err, syscall.EAGAIN) {
			return false // nothing to read yet: wait for the poller
		}
		closed = n == 0 || err != nil
		return true
	})
	if err != nil {
		// The past deadline is stop's wake-up call; any other failure means
		// the connection is gone (closed by the server's shutdown, say).
		return !errors.Is(err, os.ErrDeadlineExceeded)
	}
	return closed
}
