package memcache

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"
)

// watchHangup returns a context that ends when the client hangs up while a
// get is parked, so the queue can withdraw the wait instead of handing an
// item to a closed connection. It peeks at the socket (MSG_PEEK) without
// consuming bytes, so pipelined requests stay for the parser. stop ends the
// watch.
func (c *conn) watchHangup() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return ctx, cancel
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return ctx, cancel
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if peerClosed(raw) {
			cancel()
		}
	}()
	return ctx, func() {
		// Wake the watcher with a past deadline, wait for it, then clear
		// the deadline so the next read is not affected.
		_ = c.nc.SetReadDeadline(time.Unix(1, 0))
		<-done
		_ = c.nc.SetReadDeadline(time.Time{})
		cancel()
	}
}

// peerClosed waits until the socket is readable and reports whether that is
// because the peer closed it (a zero-byte peek) or it failed.
func peerClosed(raw syscall.RawConn) bool {
	var closed bool
	buf := make([]byte, 1)
	err := raw.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf, syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		if errors.Is(err, syscall.EAGAIN) {
			return false // not readable yet: wait for the poller
		}
		closed = n == 0 || err != nil
		return true
	})
	if err != nil {
		// The deadline is stop's wake-up call; any other failure means the
		// connection is gone (closed by the server's shutdown, say).
		return !errors.Is(err, os.ErrDeadlineExceeded)
	}
	return closed
}
