// Package client is a Go client for Kestrel-Go's remote API. It treats a
// list of servers as one loosely ordered queue, as Kestrel's clients do:
// each operation goes to a server picked at random, a server that fails
// is skipped and tried again later, and an item fetched as an open read
// remembers its server, so that confirming or aborting it goes there.
//
// A Client is safe for concurrent use. Each call runs on a session of its
// own on the server it picks (sessions are reused), so a get waiting for
// items holds up no other call.
package client

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/eventstream"
	"github.com/asynkron/protoactor-go/remote"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// serverActor is the name of the actor every server answers on.
const serverActor = "kestrel"

// Client talks to a set of Kestrel-Go servers.
type Client struct {
	node    *wire.Node
	inbox   *inbox
	servers []*server
	calls   *calls
	opts    options
	sub     *eventstream.Subscription
	closed  atomic.Bool
}

type options struct {
	listen         string
	log            *slog.Logger
	timeout        time.Duration
	user, password string
}

// Option changes how New sets a client up.
type Option func(*options)

// WithListenAddr sets where the client listens for replies (host:port):
// servers dial back to deliver them. The default is the local address
// that routes to the first server, on a free port.
func WithListenAddr(addr string) Option { return func(o *options) { o.listen = addr } }

// WithLogger logs the client's connection events to log (by default they
// are discarded). The listener is shared by the clients of a process, and
// logs to the logger of the first.
func WithLogger(log *slog.Logger) Option { return func(o *options) { o.log = log } }

// WithRequestTimeout bounds each request, beyond the time a get asked to
// wait, when its context has no deadline (default 10s).
func WithRequestTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithCredentials logs in as user on servers that have auth_users.
func WithCredentials(user, password string) Option {
	return func(o *options) { o.user, o.password = user, password }
}

// New returns a client of the servers (host:port of each remote_port).
// Nothing is dialed until the first request.
func New(servers []string, opts ...Option) (*Client, error) {
	if len(servers) == 0 {
		return nil, errors.New("kestrel client: no servers given")
	}
	o := options{log: slog.New(slog.NewTextHandler(io.Discard, nil)), timeout: 10 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if o.listen == "" {
		host, err := routeTo(servers[0])
		if err != nil {
			return nil, err
		}
		o.listen = net.JoinHostPort(host, "0")
	}
	c := &Client{calls: newCalls(), opts: o}
	if err := c.start(); err != nil {
		return nil, err
	}
	for _, addr := range servers {
		c.servers = append(c.servers, newServer(addr))
	}
	return c, nil
}

// routeTo is the local IP address that reaches addr: servers must be able
// to dial the client back there. (A UDP "dial" sends nothing.)
func routeTo(addr string) (string, error) {
	conn, err := net.Dial("udp", addr)
	if err != nil {
		return "", fmt.Errorf("kestrel client: no route to server %s: %w", addr, err)
	}
	defer conn.Close()
	return conn.LocalAddr().(*net.UDPAddr).IP.String(), nil
}

// start registers the inbox, the address every request is sent from and
// every reply comes back to. Servers watch it: when the client closes or
// its process dies, they return its open reads.
func (c *Client) start() error {
	node, err := nodeFor(c.opts.listen, c.opts.log)
	if err != nil {
		return err
	}
	in, err := spawnInbox(node.System, c.calls)
	if err != nil {
		return err
	}
	c.node, c.inbox = node, in
	c.sub = node.System.EventStream.Subscribe(c.endpointEvent)
	return nil
}

// endpointEvent fails the calls waiting on a server whose connection broke,
// instead of letting them wait out their timeouts.
func (c *Client) endpointEvent(ev any) {
	if t, ok := ev.(*remote.EndpointTerminatedEvent); ok {
		c.calls.failServer(t.Address, errConnectionLost)
	}
}

// Servers lists the servers as given to New.
func (c *Client) Servers() []string {
	out := make([]string, len(c.servers))
	for i, s := range c.servers {
		out[i] = s.addr
	}
	return out
}

// Close stops the client. Servers return the reads it still holds open to
// their queues. The listener it shared with the process's other clients
// stays for later ones.
func (c *Client) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	c.node.System.EventStream.Unsubscribe(c.sub)
	c.inbox.Stop(c.inbox.pid)
	for _, srv := range c.servers {
		if srv.lanes.used() {
			c.inbox.goodbye(srv)
		}
	}
	c.calls.failAll(ErrClosed)
	return nil
}
