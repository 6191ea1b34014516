package netserve

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// served runs one connection of a toy line protocol over real TCP: each
// step reads a request line and answers reply bytes.
type served struct {
	addr    string
	err     chan error // what Serve returned
	maxOut  atomic.Int64
	written atomic.Int64
}

func serveToy(t *testing.T, limits Limits, reply int) *served {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &served{addr: ln.Addr().String(), err: make(chan error, 1)}
	var a Acceptor
	go func() { _ = a.Serve(ln, quiet, s.handle(limits, reply)) }()
	t.Cleanup(func() { a.Close() })
	return s
}

func (s *served) handle(limits Limits, reply int) func(net.Conn) {
	return func(nc net.Conn) {
		var read atomic.Int64
		c := NewConn(nc, quiet, &read, &s.written, limits)
		in := bufio.NewReader(c.Input())
		s.err <- c.Serve(in.Buffered, func() error {
			if _, err := in.ReadString('\n'); err != nil {
				return err
			}
			c.Out = append(c.Out, make([]byte, reply)...)
			if n := int64(len(c.Out)); n > s.maxOut.Load() {
				s.maxOut.Store(n)
			}
			return nil
		})
	}
}

func dialToy(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func waitServe(t *testing.T, s *served) error {
	t.Helper()
	select {
	case err := <-s.err:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("the server kept the connection")
		return nil
	}
}

// A client that pipelines requests and never reads: the server's writes
// block once the socket buffers fill, and write_timeout ends it.
func TestClientThatNeverReadsIsClosed(t *testing.T) {
	const reply = 16 << 10
	s := serveToy(t, Limits{Write: 200 * time.Millisecond}, reply)
	c := dialToy(t, s.addr)
	go func() {
		line := []byte("request\n")
		for {
			_ = c.SetWriteDeadline(time.Now().Add(20 * time.Second))
			if _, err := c.Write(line); err != nil {
				return
			}
		}
	}()
	if err := waitServe(t, s); err != nil {
		t.Fatalf("serve: %v, want nil after a failed flush", err)
	}
	if got := s.maxOut.Load(); got > flushThreshold+reply {
		t.Errorf("%d reply bytes buffered, want at most %d", got, flushThreshold+reply)
	}
	// What the kernel took before the writes blocked: bounded by the
	// socket buffers, not by how much the client asked for.
	if got := s.written.Load(); got > 64<<20 {
		t.Errorf("%d bytes written to a client that never read", got)
	}
}

// A client that sends a byte at a time is cut off request_timeout after
// its request began, though it is never silent.
func TestTricklingRequestIsCutOff(t *testing.T) {
	const limit = 300 * time.Millisecond
	s := serveToy(t, Limits{Request: limit}, 1)
	c := dialToy(t, s.addr)
	start := time.Now()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := c.Write([]byte("x")); err != nil {
				return
			}
		}
	}()
	err := waitServe(t, s)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("serve: %v, want the request deadline", err)
	}
	if took := time.Since(start); took < limit {
		t.Errorf("cut off after %v, before request_timeout %v", took, limit)
	}
}

// request_timeout does not apply between requests: a client may stay
// silent as long as client_timeout allows (here for ever).
func TestSilenceBetweenRequestsIsNotARequest(t *testing.T) {
	const limit = 100 * time.Millisecond
	s := serveToy(t, Limits{Request: limit}, 3)
	c := dialToy(t, s.addr)
	r := bufio.NewReader(c)
	for range 2 {
		time.Sleep(3 * limit) // the silence under test
		if _, err := c.Write([]byte("request\n")); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.ReadFull(r, make([]byte, 3)); err != nil {
			t.Fatalf("reply after a silence: %v", err)
		}
	}
}

func TestIdleClientIsClosed(t *testing.T) {
	s := serveToy(t, Limits{Idle: 100 * time.Millisecond}, 1)
	dialToy(t, s.addr)
	if err := waitServe(t, s); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("serve: %v, want the idle deadline", err)
	}
}
