package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// Item is an item fetched by Get.
type Item struct {
	Data  []byte
	Queue string
	// ID names an open read, fetched with GetOptions.AutoAbort, for
	// Confirm and Abort; it is 0 for an item removed outright.
	ID int64
	// Server is the address of the server the item came from.
	Server string

	srv  *server
	lane *lane
}

// GetOptions say how Get takes items.
type GetOptions struct {
	// Max is the most items to take (default 1, at most wire.MaxBatch).
	Max int
	// Timeout is how long to wait for Max items when the servers have
	// fewer; 0 takes only what is there.
	Timeout time.Duration
	// AutoAbort, when not 0, fetches the items as open reads: each goes
	// back to its queue after this long unless confirmed (Confirm), and
	// when the client goes away. When 0, items are removed as they are
	// fetched.
	AutoAbort time.Duration
}

func (o GetOptions) check() error {
	switch {
	case o.Max < 0 || o.Max > wire.MaxBatch:
		return fmt.Errorf("max %d out of range (1 to %d)", o.Max, wire.MaxBatch)
	case o.Timeout < 0 || o.Timeout.Milliseconds() > 1<<31-1:
		return fmt.Errorf("timeout %s out of range", o.Timeout)
	case o.AutoAbort < 0 || o.AutoAbort.Milliseconds() > 1<<31-1 || (o.AutoAbort > 0 && o.AutoAbort < time.Millisecond):
		return fmt.Errorf("auto-abort %s out of range (1ms to 24 days)", o.AutoAbort)
	}
	return nil
}

// Get takes up to o.Max items from queue. It first takes what is there
// from the servers, in random order, until it has o.Max; if it has fewer
// and o.Timeout is set, it then waits on one server for the rest. So an
// empty result means that every server was empty when asked. Items come
// back even with an error from a later server.
func (c *Client) Get(ctx context.Context, queue string, o GetOptions) ([]Item, error) {
	if err := o.check(); err != nil {
		return nil, fmt.Errorf("kestrel client: get from %s: %w", queue, err)
	}
	if c.closed.Load() {
		return nil, ErrClosed
	}
	want := max(o.Max, 1)
	var got []Item
	// With one server, a waiting get alone does the same in one request.
	if o.Timeout == 0 || len(c.servers) > 1 {
		var err error
		if got, err = c.sweep(ctx, queue, want, o.AutoAbort); err != nil || len(got) == want || o.Timeout == 0 {
			return got, err
		}
	}
	err := c.each(ctx, func(srv *server) error {
		items, err := c.getFrom(ctx, srv, queue, want-len(got), o.Timeout, o.AutoAbort)
		got = append(got, items...)
		return err
	})
	if err != nil {
		return got, fmt.Errorf("kestrel client: get from %s: %w", queue, err)
	}
	return got, nil
}

// sweep takes what is there, from one server after another, until it has
// want items. It fails if no server answered.
func (c *Client) sweep(ctx context.Context, queue string, want int, autoAbort time.Duration) ([]Item, error) {
	var got []Item
	var last error
	answered := false
	for _, srv := range c.order() {
		err := c.try(srv, func(srv *server) error {
			items, err := c.getFrom(ctx, srv, queue, want-len(got), 0, autoAbort)
			got = append(got, items...)
			return err
		})
		if err != nil && (!retryElsewhere(err) || ctx.Err() != nil) {
			return got, fmt.Errorf("kestrel client: get from %s: %w", queue, err)
		}
		answered = answered || err == nil
		last = err
		if len(got) == want {
			break
		}
	}
	if !answered {
		return got, fmt.Errorf("kestrel client: get from %s: %w: %w", queue, ErrUnavailable, last)
	}
	return got, nil
}

// getFrom runs one get on srv. Plain and waiting gets go to a lane holding
// no open reads, so that confirms of those reads never wait behind them.
func (c *Client) getFrom(ctx context.Context, srv *server, queue string, n int, timeout, autoAbort time.Duration) ([]Item, error) {
	l, err := srv.lanes.take(ctx, autoAbort == 0 || timeout > 0)
	if err != nil {
		return nil, err
	}
	defer srv.lanes.give(l)
	req := &wire.Get{Queue: queue, MaxItems: int32(n),
		TimeoutMsec: int32(timeout.Milliseconds()), AutoAbortMsec: int32(autoAbort.Milliseconds())}
	r, err := request[*wire.Items](ctx, c, srv, l.id, req, timeout)
	if err != nil {
		return nil, err
	}
	items := make([]Item, len(r.Items))
	for i, it := range r.Items {
		items[i] = Item{Data: it.Data, Queue: queue, ID: it.ID, Server: srv.addr, srv: srv, lane: l}
	}
	if autoAbort > 0 {
		srv.lanes.opened(l, len(items), autoAbort)
	}
	return items, nil
}

// Confirm removes open reads for good, each on the server it came from,
// and says how many were still open (not returned by their auto-abort).
// Items that are not open reads are skipped.
func (c *Client) Confirm(ctx context.Context, items ...Item) (int, error) {
	return c.settle(ctx, items, "confirm", func(queue string, ids []int64) wire.Message {
		return &wire.Confirm{Queue: queue, IDs: ids}
	})
}

// Abort returns open reads to the head of their queues, and says how many
// were still open.
func (c *Client) Abort(ctx context.Context, items ...Item) (int, error) {
	return c.settle(ctx, items, "abort", func(queue string, ids []int64) wire.Message {
		return &wire.Abort{Queue: queue, IDs: ids}
	})
}

// readGroup is open reads settled by one request: same lane, same queue.
type readGroup struct {
	srv   *server
	lane  *lane
	queue string
}

func (c *Client) settle(ctx context.Context, items []Item, verb string, req func(string, []int64) wire.Message) (int, error) {
	groups := make(map[readGroup][]int64)
	var order []readGroup
	for _, it := range items {
		if it.ID == 0 || it.lane == nil {
			continue
		}
		g := readGroup{it.srv, it.lane, it.Queue}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], it.ID)
	}
	total := 0
	var errs []error
	for _, g := range order {
		n, err := c.settleGroup(ctx, g, groups[g], req)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("kestrel client: %s on %s: %w", verb, g.queue, err))
		}
	}
	return total, errors.Join(errs...)
}

func (c *Client) settleGroup(ctx context.Context, g readGroup, ids []int64, req func(string, []int64) wire.Message) (int, error) {
	if c.closed.Load() {
		return 0, ErrClosed
	}
	if err := g.srv.lanes.takeLane(ctx, g.lane); err != nil {
		return 0, err
	}
	defer g.srv.lanes.give(g.lane)
	r, err := request[*wire.Count](ctx, c, g.srv, g.lane.id, req(g.queue, ids), 0)
	if err != nil {
		return 0, err
	}
	g.srv.lanes.settled(g.lane, len(ids))
	return int(r.N), nil
}
