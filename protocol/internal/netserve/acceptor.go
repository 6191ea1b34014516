// Package netserve holds what every TCP protocol server of Kestrel-Go
// needs and nothing protocol-specific: an accept loop that survives
// temporary errors and closes cleanly, and a watch for clients that hang up
// while their request waits.
package netserve

import (
	"errors"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"time"
)

// Acceptor runs a handler per accepted connection, each in its own
// goroutine, and can close the listener and every live connection at once.
// The zero value is ready; it serves one listener.
type Acceptor struct {
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// Serve accepts connections on ln until Close, handing each to handle and
// closing it when handle returns. Like net/http, it backs off on a
// temporary accept error (5 ms doubling to 1 s) instead of spinning.
func (a *Acceptor) Serve(ln net.Listener, log *slog.Logger, handle func(net.Conn)) error {
	if !a.start(ln) {
		ln.Close()
		return nil
	}
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if a.isClosed() {
				return nil
			}
			if !isTemporary(err) {
				return err
			}
			delay = backoff(delay)
			log.Warn("accept failed; retrying", "err", err, "in", delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		if !a.track(c) {
			c.Close()
			return nil
		}
		go a.run(c, log, handle)
	}
}

// run serves one connection. A bug in one connection's handling must not
// take the server down: it costs that client its connection, and the
// handler's deferred clean-up (its open reads going back) still runs.
func (a *Acceptor) run(c net.Conn, log *slog.Logger, handle func(net.Conn)) {
	defer a.wg.Done()
	defer a.untrack(c)
	defer c.Close()
	defer func() {
		if r := recover(); r != nil {
			log.Error("connection handler panicked", "client", c.RemoteAddr().String(),
				"panic", r, "stack", string(debug.Stack()))
		}
	}()
	handle(c)
}

func isTemporary(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	t, ok := err.(interface{ Temporary() bool })
	return ok && t.Temporary()
}

func backoff(d time.Duration) time.Duration {
	if d == 0 {
		return 5 * time.Millisecond
	}
	return min(2*d, time.Second)
}

// start records ln, unless Close came first.
func (a *Acceptor) start(ln net.Listener) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false
	}
	a.ln = ln
	a.conns = make(map[net.Conn]struct{})
	return true
}

func (a *Acceptor) isClosed() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed
}

// track registers c, counting it for Close's wait, unless Close came first.
func (a *Acceptor) track(c net.Conn) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false
	}
	a.conns[c] = struct{}{}
	a.wg.Add(1)
	return true
}

func (a *Acceptor) untrack(c net.Conn) {
	a.mu.Lock()
	delete(a.conns, c)
	a.mu.Unlock()
}

// Close stops accepting, closes every connection (their handlers see their
// reads fail and return) and waits for the handlers to end.
func (a *Acceptor) Close() error {
	a.mu.Lock()
	a.closed = true
	var err error
	if a.ln != nil {
		err = a.ln.Close()
	}
	for c := range a.conns {
		c.Close()
	}
	a.mu.Unlock()
	a.wg.Wait()
	return err
}
