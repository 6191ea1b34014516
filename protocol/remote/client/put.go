package client

import (
	"context"
	"fmt"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// Put adds items to queue and says how many were stored: fewer than given
// when the queue is full and refuses more. Each batch of up to
// wire.MaxBatch items goes to one server, picked at random; a server that
// is down or refuses writes (read only, quiescent) passes it to another.
// A request that got no reply is sent again elsewhere, so after a lost
// connection an item may be stored twice.
func (c *Client) Put(ctx context.Context, queue string, items ...[]byte) (int, error) {
	return c.put(ctx, queue, 0, items)
}

// PutTTL is Put for items that vanish if nobody fetches them within ttl
// (a millisecond at least).
func (c *Client) PutTTL(ctx context.Context, queue string, ttl time.Duration, items ...[]byte) (int, error) {
	if ttl < time.Millisecond || ttl.Milliseconds() > 1<<31-1 {
		return 0, fmt.Errorf("kestrel client: put to %s: ttl %s out of range (1ms to 24 days)", queue, ttl)
	}
	return c.put(ctx, queue, int32(ttl.Milliseconds()), items)
}

func (c *Client) put(ctx context.Context, queue string, ttlMs int32, items [][]byte) (int, error) {
	stored := 0
	for len(items) > 0 {
		batch := items[:min(len(items), wire.MaxBatch)]
		items = items[len(batch):]
		n, err := c.putBatch(ctx, queue, ttlMs, batch)
		stored += n
		if err != nil {
			return stored, fmt.Errorf("kestrel client: put to %s: %w", queue, err)
		}
		if n < len(batch) {
			break // the queue is full
		}
	}
	return stored, nil
}

func (c *Client) putBatch(ctx context.Context, queue string, ttlMs int32, batch [][]byte) (int, error) {
	var n int32
	err := c.each(ctx, func(srv *server) error {
		l, err := srv.lanes.take(ctx, false)
		if err != nil {
			return err
		}
		defer srv.lanes.give(l)
		r, err := request[*wire.Count](ctx, c, srv, l.id, &wire.Put{Queue: queue, Items: batch, ExpirationMsec: ttlMs}, 0)
		if err == nil {
			n = r.N
		}
		return err
	})
	return int(n), err
}
