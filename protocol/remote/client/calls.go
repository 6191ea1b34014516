package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// result is a reply, or why none will come.
type result struct {
	msg wire.Message
	err error
}

// pending is a request waiting for its reply.
type pending struct {
	server string
	done   chan result // buffered: the one answer never blocks its sender
}

// calls are the requests waiting for replies, by request id.
type calls struct {
	mu   sync.Mutex
	next uint64
	wait map[uint64]*pending
}

func newCalls() *calls { return &calls{wait: make(map[uint64]*pending)} }

func (cs *calls) add(server string) (uint64, *pending) {
	p := &pending{server: server, done: make(chan result, 1)}
	cs.mu.Lock()
	cs.next++
	id := cs.next
	cs.wait[id] = p
	cs.mu.Unlock()
	return id, p
}

// finish hands r to the call id, if it still waits.
func (cs *calls) finish(id uint64, r result) {
	cs.mu.Lock()
	p, ok := cs.wait[id]
	delete(cs.wait, id)
	cs.mu.Unlock()
	if ok {
		p.done <- r
	}
}

func (cs *calls) forget(id uint64) {
	cs.mu.Lock()
	delete(cs.wait, id)
	cs.mu.Unlock()
}

// failServer ends every call waiting on server with err.
func (cs *calls) failServer(server string, err error) { cs.fail(err, server) }

// failAll ends every waiting call with err.
func (cs *calls) failAll(err error) { cs.fail(err, "") }

func (cs *calls) fail(err error, server string) {
	cs.mu.Lock()
	var failed []*pending
	for id, p := range cs.wait {
		if server == "" || p.server == server {
			failed = append(failed, p)
			delete(cs.wait, id)
		}
	}
	cs.mu.Unlock()
	for _, p := range failed {
		p.done <- result{err: err}
	}
}

// call sends req to srv on session lane and waits for the reply: until
// ctx ends, or, without a deadline in ctx, the request timeout plus wait
// (what a get asked the server to wait). A Fault comes back as an error.
func (c *Client) call(ctx context.Context, srv *server, lane uint32, req wire.Message, wait time.Duration) (wire.Message, error) {
	h := req.Head()
	h.Session, h.User, h.Password = lane, c.opts.user, c.opts.password
	injectTrace(ctx, h)
	id, p := c.calls.add(srv.addr)
	h.ReqID = id
	// Encoded here rather than by protoactor's writer later, so the
	// caller's buffers are free again once call returns, however it ends.
	env, err := wire.Encode(req)
	if err != nil {
		c.calls.forget(id)
		return nil, err
	}
	c.node.System.Root.RequestWithCustomSender(srv.pid, env, c.inbox.pid)
	var expire <-chan time.Time
	if _, ok := ctx.Deadline(); !ok {
		t := time.NewTimer(c.opts.timeout + wait)
		defer t.Stop()
		expire = t.C
	}
	select {
	case r := <-p.done:
		return reply(srv, r)
	case <-ctx.Done():
		c.calls.forget(id)
		return nil, ctx.Err()
	case <-expire:
		c.calls.forget(id)
		return nil, &unreachableError{server: srv.addr, err: fmt.Errorf("no reply in %s", c.opts.timeout+wait)}
	}
}

func reply(srv *server, r result) (wire.Message, error) {
	switch m := r.msg.(type) {
	case nil:
		return nil, &unreachableError{server: srv.addr, err: r.err}
	case *wire.Fault:
		return nil, &ServerError{Server: srv.addr, Code: m.Code, Message: m.Message, Status: m.Status}
	case *wire.Malformed:
		return nil, fmt.Errorf("server %s: unreadable reply %q: %w", srv.addr, m.Type, m.Err)
	}
	return r.msg, nil
}

// injectTrace carries the caller's span, if any, to the server.
func injectTrace(ctx context.Context, h *wire.Header) {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return
	}
	h.Trace = make(map[string]string, 2)
	propagation.TraceContext{}.Inject(ctx, propagation.MapCarrier(h.Trace))
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// request is call for a reply of type T.
func request[T wire.Message](ctx context.Context, c *Client, srv *server, lane uint32, req wire.Message, wait time.Duration) (T, error) {
	var zero T
	m, err := c.call(ctx, srv, lane, req, wait)
	if err != nil {
		return zero, err
	}
	r, ok := m.(T)
	if !ok {
		return zero, fmt.Errorf("server %s: answered %s with %s", srv.addr, wire.TypeName(req), wire.TypeName(m))
	}
	return r, nil
}
