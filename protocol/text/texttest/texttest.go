// Package texttest starts real servers with the text protocol and speaks to
// them over real TCP.
package texttest

import (
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/internal/wiretest"
	"github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
	"github.com/kestrel-go/kestrel/protocol/text"
)

// Server is an in-process server with the text protocol on one loopback
// port, beside the memcache protocol on another (Memcache.Addr), over the
// same queues.
type Server struct {
	Addr     string
	Memcache *memcachetest.Server
	// Shutdowns receives once per `shutdown` command.
	Shutdowns <-chan struct{}
}

// Start runs a server with cfg (the defaults with journals in a temp dir
// when nil) until the test ends.
func Start(t testing.TB, cfg *config.Config) *Server {
	t.Helper()
	if cfg == nil {
		cfg = memcachetest.Config(t)
	}
	mc := memcachetest.Start(t, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.Default()
	}
	shutdowns := make(chan struct{}, 16)
	srv := &text.Server{Queues: mc.Queues, Log: log, OnShutdown: func() { shutdowns <- struct{}{} }}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	// Cleanups run last first: this one, before the queues stop.
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return &Server{Addr: ln.Addr().String(), Memcache: mc, Shutdowns: shutdowns}
}

// Client is a text-protocol connection with test assertions.
type Client struct{ *wiretest.Client }

// Dial connects to addr.
func Dial(t testing.TB, addr string) *Client {
	t.Helper()
	return &Client{wiretest.Dial(t, addr, "\n")}
}

// Put sends "put <head>:" with items and returns the reply line; head is
// the queue name and, if wanted, the expiry.
func (c *Client) Put(head string, items ...string) string {
	c.T.Helper()
	var b strings.Builder
	b.WriteString("put " + head + ":\n")
	for _, item := range items {
		b.WriteString(item + "\n")
	}
	b.WriteString("\n")
	c.Write(b.String())
	return c.Line()
}

// MustPut puts items and fails unless every one was stored.
func (c *Client) MustPut(head string, items ...string) {
	c.T.Helper()
	if got, want := c.Put(head, items...), "+"+strconv.Itoa(len(items)); got != want {
		c.T.Fatalf("put %s: %q, want %q", head, got, want)
	}
}
