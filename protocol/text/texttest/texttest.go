// Package texttest starts real servers with the text protocol and speaks to
// them over real TCP.
package texttest

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/config"
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
type Client struct {
	t    testing.TB
	conn net.Conn
	r    *bufio.Reader
}

// Dial connects to addr.
func Dial(t testing.TB, addr string) *Client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return &Client{t: t, conn: conn, r: bufio.NewReader(conn)}
}

// Close hangs up.
func (c *Client) Close() { c.conn.Close() }

// Write sends raw bytes.
func (c *Client) Write(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// Line reads one reply line without its \n.
func (c *Client) Line() string {
	c.t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read reply line: %v (got %q)", err, line)
	}
	return strings.TrimSuffix(line, "\n")
}

// Expect reads one line and fails unless it is want.
func (c *Client) Expect(want string) {
	c.t.Helper()
	if got := c.Line(); got != want {
		c.t.Fatalf("reply %q, want %q", got, want)
	}
}

// Do sends one request line and returns the reply line.
func (c *Client) Do(line string) string {
	c.t.Helper()
	c.Write(line + "\n")
	return c.Line()
}

// Put sends "put <head>:" with items and returns the reply line; head is
// the queue name and, if wanted, the expiry.
func (c *Client) Put(head string, items ...string) string {
	c.t.Helper()
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
	c.t.Helper()
	if got, want := c.Put(head, items...), "+"+strconv.Itoa(len(items)); got != want {
		c.t.Fatalf("put %s: %q, want %q", head, got, want)
	}
}

// ExpectClosed fails unless the server closes the connection.
func (c *Client) ExpectClosed() {
	c.t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	// A reset counts: the server may close with the rest of a refused
	// request still unread.
	if line, err := c.r.ReadString('\n'); err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
		c.t.Fatalf("connection still open: read %q, %v", line, err)
	}
}
