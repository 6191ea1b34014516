package client

import (
	"context"
	"fmt"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// Operations on one named server (an address given to New).

// Status is the status of server.
func (c *Client) Status(ctx context.Context, server string) (Status, error) {
	r, err := onServer[*wire.StatusReply](ctx, c, server, "status", &wire.CurrentStatus{})
	if err != nil {
		return wire.NotConfigured, err
	}
	return r.Status, nil
}

// SetStatus changes the status of server.
func (c *Client) SetStatus(ctx context.Context, server string, status Status) error {
	_, err := onServer[*wire.Done](ctx, c, server, "set status", &wire.SetStatus{Status: status})
	return err
}

// Version is the version of server.
func (c *Client) Version(ctx context.Context, server string) (string, error) {
	r, err := onServer[*wire.Version](ctx, c, server, "version", &wire.GetVersion{})
	if err != nil {
		return "", err
	}
	return r.Version, nil
}

// Stat is one named figure of a server or a queue, as the memcache `stats`
// command shows them.
type Stat = wire.Stat

// Stats are a server's figures.
type Stats struct {
	Server string
	Global []Stat
	Queues []wire.QueueStats // by queue name
}

// Stats are the figures of server and of its queues.
func (c *Client) Stats(ctx context.Context, server string) (Stats, error) {
	r, err := onServer[*wire.Stats](ctx, c, server, "stats", &wire.GetStats{})
	if err != nil {
		return Stats{Server: server}, err
	}
	return Stats{Server: server, Global: r.Global, Queues: r.Queues}, nil
}

func onServer[T wire.Message](ctx context.Context, c *Client, addr, what string, req wire.Message) (T, error) {
	var r T
	srv, err := c.find(addr)
	if err == nil {
		if c.closed.Load() {
			return r, ErrClosed
		}
		err = c.try(srv, func(srv *server) error {
			var err error
			r, err = simple[T](ctx, c, srv, req)
			return err
		})
	}
	if err != nil {
		return r, fmt.Errorf("kestrel client: %s: %w", what, err)
	}
	return r, nil
}
