// Package remotetest starts real servers of the remote API in the test's
// process, for tests of the server, the client and whole-server behaviour.
package remotetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/remote"
)

// Server is an in-process server with the remote API on a loopback port.
type Server struct {
	Addr   string
	Queues *actors.System
	Config *config.Config
	remote *remote.Server
	once   sync.Once
}

// Config returns the embedded defaults with journals under a temp dir.
func Config(t testing.TB) *config.Config {
	cfg := config.Defaults()
	cfg.QueuePath = t.TempDir()
	cfg.StatusFile = cfg.QueuePath + "/.status"
	return cfg
}

// Log is a logger for servers and clients in tests: quiet unless -v.
func Log() *slog.Logger {
	if testing.Verbose() {
		return slog.Default()
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// Start runs a server with cfg until the test ends. A process should start
// one server at most (see wire.Listen); Spawn starts more.
func Start(t testing.TB, cfg *config.Config) *Server {
	t.Helper()
	s, err := Listen(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Listen is Start without a test: the caller stops the server.
func Listen(cfg *config.Config) (*Server, error) {
	queues, err := actors.Start(cfg, Log())
	if err != nil {
		return nil, fmt.Errorf("start queues: %w", err)
	}
	r, err := remote.Listen(queues, "127.0.0.1:0", Log())
	if err != nil {
		_ = queues.Shutdown(context.Background())
		return nil, fmt.Errorf("remote listen: %w", err)
	}
	return &Server{Addr: r.Addr(), Queues: queues, Config: cfg, remote: r}, nil
}

// Stop closes the listener (clients' open reads go back) and stops the
// queues cleanly. Calling it twice is harmless.
func (s *Server) Stop() {
	s.once.Do(func() {
		_ = s.remote.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Queues.Shutdown(ctx)
	})
}

// Await polls cond until it holds, and fails the test if it still does not
// after limit.
func Await(t testing.TB, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition still false after %s", limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
