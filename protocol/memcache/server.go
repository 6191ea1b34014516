package memcache

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/kestrel-go/kestrel/actors"
)

// Server serves the memcache protocol on one listener, a goroutine per
// connection, each with its own session on the queues.
type Server struct {
	Queues *actors.System
	Log    *slog.Logger
	// OnShutdown is called by the `shutdown` command.
	OnShutdown func()
	// OnReload is called by the `reload` command; its error is the reply.
	OnReload func() error

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// Serve accepts connections until Close. Like net/http, it backs off on a
// temporary accept error (5 ms doubling to 1 s) instead of spinning.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	s.ln = ln
	s.conns = make(map[net.Conn]struct{})
	s.mu.Unlock()
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.isClosed() {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				delay = backoff(delay)
				s.Log.Warn("memcache accept failed; retrying", "err", err, "in", delay)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		if s.full() {
			// Like memcached: say why, then hang up.
			_, _ = c.Write([]byte("SERVER_ERROR too many connections\r\n"))
			c.Close()
			continue
		}
		if !s.track(c) {
			c.Close()
			return nil
		}
		s.wg.Add(1)
		go s.serveConn(c)
	}
}

func isTemporary(err error) bool {
	t, ok := err.(interface{ Temporary() bool })
	return ok && t.Temporary()
}

func backoff(d time.Duration) time.Duration {
	if d == 0 {
		return 5 * time.Millisecond
	}
	return min(2*d, time.Second)
}

// full says whether max_connections are already open.
func (s *Server) full() bool {
	limit := s.Queues.Config().MaxConnections
	return limit > 0 && s.Queues.Stats.CurrConnections.Load() >= int64(limit)
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// Close stops accepting, closes every connection (their open reads go back
// to their queues) and waits for the connection goroutines to end.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}
