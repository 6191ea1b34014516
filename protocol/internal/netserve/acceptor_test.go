package netserve

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type tempErr struct{}

func (tempErr) Error() string   { return "temporarily out of file descriptors" }
func (tempErr) Temporary() bool { return true }
func (tempErr) Timeout() bool   { return false }

// scriptedListener hands out its results in order, then blocks until
// closed.
type scriptedListener struct {
	results   chan any // net.Conn or error
	closeOnce sync.Once
	closed    chan struct{}
}

func newScripted(results ...any) *scriptedListener {
	l := &scriptedListener{results: make(chan any, len(results)), closed: make(chan struct{})}
	for _, r := range results {
		l.results <- r
	}
	return l
}

func (l *scriptedListener) Accept() (net.Conn, error) {
	select {
	case r := <-l.results:
		if err, ok := r.(error); ok {
			return nil, err
		}
		return r.(net.Conn), nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *scriptedListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

func (l *scriptedListener) Addr() net.Addr { return &net.TCPAddr{} }

func TestAcceptorRidesOutTemporaryErrors(t *testing.T) {
	server, client := net.Pipe()
	defer client.Close()
	ln := newScripted(tempErr{}, tempErr{}, server)
	var a Acceptor
	handled := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Serve(ln, quiet, func(net.Conn) { close(handled) })
	}()
	<-handled
	if err := a.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve after close: %v", err)
	}
}

func TestAcceptorStopsOnLastingError(t *testing.T) {
	var a Acceptor
	lasting := errors.New("listener broken")
	if err := a.Serve(newScripted(lasting), quiet, func(net.Conn) {}); err != lasting {
		t.Fatalf("serve: %v, want %v", err, lasting)
	}
}

func TestAcceptorSurvivesPanickingHandler(t *testing.T) {
	first, c1 := net.Pipe()
	second, c2 := net.Pipe()
	defer c1.Close()
	defer c2.Close()
	var a Acceptor
	served := make(chan struct{})
	var calls sync.WaitGroup
	calls.Add(2)
	go func() {
		_ = a.Serve(newScripted(first, second), quiet, func(c net.Conn) {
			defer calls.Done()
			if c == first {
				panic("bug in one connection")
			}
		})
		close(served)
	}()
	calls.Wait()
	a.Close()
	<-served
	// The panicking connection was closed for its client.
	if _, err := c1.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read from the panicked connection: %v, want EOF", err)
	}
}

func TestAcceptorClosedBeforeServe(t *testing.T) {
	var a Acceptor
	a.Close()
	ln := newScripted()
	if err := a.Serve(ln, quiet, func(net.Conn) { t.Error("handled after close") }); err != nil {
		t.Fatalf("serve: %v", err)
	}
	select {
	case <-ln.closed:
	default:
		t.Fatal("listener left open")
	}
}
