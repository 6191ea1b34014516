// Package memcachetest starts real servers and speaks to them over real TCP,
// for tests of the memcache protocol and of whole-server behaviour.
package memcachetest

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/memcache"
)

// Server is an in-process server on a loopback port.
type Server struct {
	Addr   string
	Queues *actors.System
	Config *config.Config
	// Shutdowns receives once per `shutdown` command the server obeyed.
	Shutdowns <-chan struct{}
	mc        *memcache.Server
	done      chan struct{}
}

// Config returns the embedded defaults with journals under a temp dir.
func Config(t testing.TB) *config.Config {
	cfg := config.Defaults()
	cfg.QueuePath = t.TempDir()
	cfg.StatusFile = cfg.QueuePath + "/.status"
	return cfg
}

// Users are auth_users for tests: ops (password ops-pw) is an admin, app
// (app-pw, given as its SHA-256) is not.
func Users() map[string]config.AuthUser {
	return map[string]config.AuthUser{
		"ops": {Password: "ops-pw", Admin: true},
		"app": {PasswordSHA256: "05547dd11b298e04b4937dc62a8d94b26e22a8b5621239b795fa884e2a1a4c86"},
	}
}

// Start runs a server with cfg until the test ends.
func Start(t testing.TB, cfg *config.Config) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	return StartOn(t, cfg, ln)
}

// StartTLS runs a server with cfg that speaks TLS with cfg's certificate.
func StartTLS(t testing.TB, cfg *config.Config) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	return StartOn(t, cfg, tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{*cfg.TLSCertificate}}))
}

// StartOn runs a server with cfg on ln until the test ends.
func StartOn(t testing.TB, cfg *config.Config, ln net.Listener) *Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.Default()
	}
	queues, err := actors.Start(cfg, log)
	if err != nil {
		ln.Close()
		t.Fatalf("start queues: %v", err)
	}
	shutdowns := make(chan struct{}, 16)
	s := &Server{Addr: ln.Addr().String(), Queues: queues, Config: cfg, Shutdowns: shutdowns, done: make(chan struct{})}
	s.mc = &memcache.Server{Queues: queues, Log: log, OnShutdown: func() { shutdowns <- struct{}{} }}
	go func() {
		defer close(s.done)
		_ = s.mc.Serve(ln)
	}()
	t.Cleanup(s.Stop)
	return s
}

// Stop closes the listener and connections and stops the queues cleanly.
// Calling it twice is harmless.
func (s *Server) Stop() {
	if s.mc == nil {
		return
	}
	_ = s.mc.Close()
	<-s.done
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = s.Queues.Shutdown(ctx)
	s.mc = nil
}

// Client is a memcache connection with test assertions.
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
	return Wrap(t, conn)
}

// DialTLS connects to addr and completes a TLS handshake with cfg.
func DialTLS(t testing.TB, addr string, cfg *tls.Config) *Client {
	t.Helper()
	dialer := &tls.Dialer{NetDialer: &net.Dialer{Timeout: 5 * time.Second}, Config: cfg}
	conn, err := dialer.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s with TLS: %v", addr, err)
	}
	return Wrap(t, conn)
}

// Wrap speaks memcache over conn, closed when the test ends.
func Wrap(t testing.TB, conn net.Conn) *Client {
	t.Cleanup(func() { conn.Close() })
	return &Client{t: t, conn: conn, r: bufio.NewReader(conn)}
}

// Close hangs up.
func (c *Client) Close() { c.conn.Close() }

// Conn is the underlying connection.
func (c *Client) Conn() net.Conn { return c.conn }

// Write sends raw bytes.
func (c *Client) Write(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, s); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// Line reads one reply line without its \r\n.
func (c *Client) Line() string {
	c.t.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read reply line: %v (got %q)", err, line)
	}
	return strings.TrimSuffix(line, "\r\n")
}

// Expect reads one line and fails unless it is want.
func (c *Client) Expect(want string) {
	c.t.Helper()
	if got := c.Line(); got != want {
		c.t.Fatalf("reply %q, want %q", got, want)
	}
}

// Do sends one command line and returns the first reply line.
func (c *Client) Do(line string) string {
	c.t.Helper()
	c.Write(line + "\r\n")
	return c.Line()
}

// Set stores data in queue and returns the reply line.
func (c *Client) Set(queue string, data []byte) string {
	c.t.Helper()
	c.Write(fmt.Sprintf("set %s 0 0 %d\r\n%s\r\n", queue, len(data), data))
	return c.Line()
}

// MustSet stores data and fails unless the reply is STORED.
func (c *Client) MustSet(queue string, data string) {
	c.t.Helper()
	if got := c.Set(queue, []byte(data)); got != "STORED" {
		c.t.Fatalf("set %s: %q", queue, got)
	}
}

// Get sends "get key" and returns the value, or ok false on END.
func (c *Client) Get(key string) (data []byte, ok bool) {
	c.t.Helper()
	c.Write("get " + key + "\r\n")
	return c.ReadValue(key)
}

// ReadValue reads one get reply for key: VALUE ... END, or END.
func (c *Client) ReadValue(key string) ([]byte, bool) {
	c.t.Helper()
	line := c.Line()
	if line == "END" {
		return nil, false
	}
	data := c.readItem(key, line)
	c.Expect("END")
	return data, true
}

// readItem reads the data block announced by a VALUE line.
func (c *Client) readItem(key, line string) []byte {
	c.t.Helper()
	f := strings.Fields(line)
	if len(f) != 4 || f[0] != "VALUE" || f[1] != key || f[2] != "0" {
		c.t.Fatalf("reply %q, want VALUE %s 0 <n>", line, key)
	}
	n, err := strconv.Atoi(f[3])
	if err != nil {
		c.t.Fatalf("reply %q: bad length", line)
	}
	buf := make([]byte, n+2)
	if _, err := io.ReadFull(c.r, buf); err != nil {
		c.t.Fatalf("read %d bytes of item: %v", n, err)
	}
	if string(buf[n:]) != "\r\n" {
		c.t.Fatalf("item not followed by \\r\\n: %q", buf[n:])
	}
	return buf[:n]
}

// MustGet fails unless get returns want.
func (c *Client) MustGet(key, want string) {
	c.t.Helper()
	data, ok := c.Get(key)
	if !ok || string(data) != want {
		c.t.Fatalf("get %s = %q (found %v), want %q", key, data, ok, want)
	}
}

// MustBeEmpty fails unless get answers END.
func (c *Client) MustBeEmpty(key string) {
	c.t.Helper()
	if data, ok := c.Get(key); ok {
		c.t.Fatalf("get %s = %q, want END", key, data)
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

// Stats returns the memcache stats as a map.
func (c *Client) Stats() map[string]string {
	c.t.Helper()
	c.Write("stats\r\n")
	out := map[string]string{}
	for {
		line := c.Line()
		if line == "END" {
			return out
		}
		f := strings.SplitN(line, " ", 3)
		if len(f) != 3 || f[0] != "STAT" {
			c.t.Fatalf("stats line %q", line)
		}
		out[f[1]] = f[2]
	}
}
