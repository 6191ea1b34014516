package netserve

import (
	"context"
	"errors"
	"net"
	"os"
	"syscall"
	"time"
)

// WatchHangup returns a context that ends when the peer of nc hangs up, for
// a request that waits (a blocking get) to be withdrawn instead of handing
// an item to a closed connection. It peeks at the socket (MSG_PEEK) without
// consuming bytes, so pipelined requests stay for the parser. stop ends the
// watch and must be called before nc is read again.
func WatchHangup(nc net.Conn) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sc, ok := nc.(syscall.Conn)
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
		if hungUp(raw) {
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
