package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// QueueInfo describes a queue on one server.
type QueueInfo struct {
	Server   string
	HeadItem []byte // nil when the queue is empty
	Items    int64
	Bytes    int64 // of item data
	// JournalBytes is the size of the queue's journal on disk.
	JournalBytes     int64
	Age              time.Duration // how long the head item has waited
	Waiters          int           // gets waiting for an item
	OpenTransactions int           // items fetched and not yet confirmed
}

// Peek describes queue on one server, picked at random, and shows its
// head item without taking it.
func (c *Client) Peek(ctx context.Context, queue string) (QueueInfo, error) {
	var info QueueInfo
	err := c.each(ctx, func(srv *server) error {
		var err error
		info, err = c.peek(ctx, srv, queue)
		return err
	})
	if err != nil {
		return info, fmt.Errorf("kestrel client: peek %s: %w", queue, err)
	}
	return info, nil
}

// PeekAll describes queue on every server that answers, in the order of
// Servers; the error joins those of the servers that did not.
func (c *Client) PeekAll(ctx context.Context, queue string) ([]QueueInfo, error) {
	var infos []QueueInfo
	err := c.all(ctx, "peek "+queue, func(srv *server) error {
		info, err := c.peek(ctx, srv, queue)
		if err == nil {
			infos = append(infos, info)
		}
		return err
	})
	return infos, err
}

func (c *Client) peek(ctx context.Context, srv *server, queue string) (QueueInfo, error) {
	r, err := simple[*wire.QueueInfo](ctx, c, srv, &wire.Peek{Queue: queue})
	if err != nil {
		return QueueInfo{Server: srv.addr}, err
	}
	return QueueInfo{
		Server: srv.addr, HeadItem: r.HeadItem, Items: r.Items, Bytes: r.Bytes,
		JournalBytes: r.JournalBytes, Age: time.Duration(r.Age) * time.Millisecond,
		Waiters: int(r.Waiters), OpenTransactions: int(r.OpenTransactions),
	}, nil
}

// Flush discards every item of queue, on every server: a queue is spread
// over all of them.
func (c *Client) Flush(ctx context.Context, queue string) error {
	return c.all(ctx, "flush "+queue, func(srv *server) error {
		_, err := simple[*wire.Done](ctx, c, srv, &wire.FlushQueue{Queue: queue})
		return err
	})
}

// FlushAll flushes every queue on every server.
func (c *Client) FlushAll(ctx context.Context) error {
	return c.all(ctx, "flush all queues", func(srv *server) error {
		_, err := simple[*wire.Done](ctx, c, srv, &wire.FlushAllQueues{})
		return err
	})
}

// Delete drops queue and its journal on every server.
func (c *Client) Delete(ctx context.Context, queue string) error {
	return c.all(ctx, "delete "+queue, func(srv *server) error {
		_, err := simple[*wire.Done](ctx, c, srv, &wire.DeleteQueue{Queue: queue})
		return err
	})
}

// simple sends a request that needs no particular session on srv.
func simple[T wire.Message](ctx context.Context, c *Client, srv *server, req wire.Message) (T, error) {
	l, err := srv.lanes.take(ctx, false)
	if err != nil {
		var zero T
		return zero, err
	}
	defer srv.lanes.give(l)
	return request[T](ctx, c, srv, l.id, req, 0)
}

// all runs op on every server, one after another, and joins their errors.
func (c *Client) all(ctx context.Context, what string, op func(srv *server) error) error {
	var errs []error
	for _, srv := range c.servers {
		if c.closed.Load() {
			return ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := c.try(srv, op); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("kestrel client: %s: %w", what, err)
	}
	return nil
}
