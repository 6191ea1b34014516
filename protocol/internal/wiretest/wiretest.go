// Package wiretest speaks line-based protocols to real servers over real
// TCP, with test assertions.
package wiretest

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Client is a connection whose replies are lines ending in its eol.
type Client struct {
	T    testing.TB
	conn net.Conn
	r    *bufio.Reader
	eol  string
}

// Dial connects to addr; replies end in eol ("\r\n" for memcache, "\n"
// for the text protocol).
func Dial(t testing.TB, addr, eol string) *Client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	return &Client{T: t, conn: conn, r: bufio.NewReader(conn), eol: eol}
}

// Close hangs up.
func (c *Client) Close() { c.conn.Close() }

// Conn is the underlying connection.
func (c *Client) Conn() net.Conn { return c.conn }

// Reader reads what the server sent, for replies that are not lines.
func (c *Client) Reader() *bufio.Reader { return c.r }

// Write sends raw bytes.
func (c *Client) Write(s string) {
	c.T.Helper()
	if _, err := io.WriteString(c.conn, s); err != nil {
		c.T.Fatalf("write: %v", err)
	}
}

// Line reads one reply line and returns it without its eol, failing if it
// ends otherwise.
func (c *Client) Line() string {
	c.T.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := c.r.ReadString('\n')
	if err != nil {
		c.T.Fatalf("read reply line: %v (got %q)", err, line)
	}
	if !strings.HasSuffix(line, c.eol) {
		c.T.Fatalf("reply line %q does not end in %q", line, c.eol)
	}
	return strings.TrimSuffix(line, c.eol)
}

// Expect reads one line and fails unless it is want.
func (c *Client) Expect(want string) {
	c.T.Helper()
	if got := c.Line(); got != want {
		c.T.Fatalf("reply %q, want %q", got, want)
	}
}

// Do sends one request line and returns the first reply line.
func (c *Client) Do(line string) string {
	c.T.Helper()
	c.Write(line + c.eol)
	return c.Line()
}

// ExpectClosed fails unless the server closes the connection.
func (c *Client) ExpectClosed() {
	c.T.Helper()
	_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	// A reset counts: the server may close with the rest of a refused
	// request still unread.
	if line, err := c.r.ReadString('\n'); err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
		c.T.Fatalf("connection still open: read %q, %v", line, err)
	}
}

// WaitFor polls cond until it holds, failing after 10 s: for a state of
// the server that no reply announces.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
