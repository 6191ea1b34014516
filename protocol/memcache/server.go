package memcache

import (
	"log/slog"
	"net"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/protocol/internal/netserve"
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

	acceptor netserve.Acceptor
}

// Serve accepts connections until Close, backing off on temporary accept
// errors.
func (s *Server) Serve(ln net.Listener) error {
	return s.acceptor.Serve(ln, s.Log, s.serveConn)
}

// full says whether max_connections are already open.
func (s *Server) full() bool {
	limit := s.Queues.Config().MaxConnections
	return limit > 0 && s.Queues.Stats.CurrConnections.Load() >= int64(limit)
}

// Close stops accepting, closes every connection (their open reads go back
// to their queues) and waits for the connection goroutines to end.
func (s *Server) Close() error { return s.acceptor.Close() }
