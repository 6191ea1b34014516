package kload

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/client"
)

func init() {
	Register(Entry{
		Name:    "remote-flood",
		Summary: "flood through the remote API (--server is the remote_port), checking each item arrives once and in order",
		New:     func() Test { return &RemoteFlood{*NewFlood()} },
	})
}

// RemoteFlood is flood through the remote API: producers put numbered
// items, consumers take them with waiting gets (--pipeline items per
// request both ways), and every item is checked as in flood.
type RemoteFlood struct{ Flood }

// Run executes remote-flood.
func (f *RemoteFlood) Run(c Common, out io.Writer) (*Result, error) {
	cl, res, err := startRemote(c, "remote-flood", f.validate, f.Flush, []string{f.Queue})
	if err != nil || res.Errors.Count() > 0 {
		return res, err
	}
	defer cl.Close()
	run := &remoteFloodRun{floodRun: newFloodRun(&f.Flood, c, res), cl: cl}
	run.runWith(out, floodEnds{produce: run.produce, consume: run.consume, via: " (remote API)"})
	return res, nil
}

// remoteFloodRun is a flood whose producers and consumers use the remote
// client; the checks are flood's.
type remoteFloodRun struct {
	*floodRun
	cl *client.Client
}

// produce puts n numbered items as producer id, c.Pipeline per request.
func (r *remoteFloodRun) produce(id, n int, deadline time.Time) error {
	batch := batchOf(r.c.Pipeline, r.size)
	for sent := 0; sent < n && !expired(deadline); {
		k := min(r.c.Pipeline, n-sent)
		for i := range k {
			encodeItem(batch[i], id, sent+i, r.stamp())
		}
		ctx, cancel := context.WithTimeout(context.Background(), remoteTimeout)
		stored, err := r.cl.Put(ctx, r.f.Queue, batch[:k]...)
		cancel()
		r.tr.produced[id].Add(int64(stored))
		if err != nil || stored < k {
			return fmt.Errorf("remote-flood producer %d, after %d puts: stored %d of %d: %v", id, sent, stored, k, err)
		}
		sent += k
	}
	return nil
}

// consume takes items until every acknowledged item has arrived, or a get
// comes back empty after the producers finished.
func (r *remoteFloodRun) consume(id int) error {
	fc := &floodConsumer{run: r.floodRun, id: id, rec: r.recs[id], last: make([]int, len(r.tr.seen))}
	for i := range fc.last {
		fc.last[i] = -1
	}
	defer func() { r.misses.Add(fc.misses) }()
	how := client.GetOptions{Max: r.c.Pipeline, Timeout: time.Duration(r.f.TimeoutMs) * time.Millisecond}
	for {
		done := r.producersLeft.Load() == 0
		if done && r.tr.totalProduced()-r.consumed.Load() <= 0 {
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), remoteTimeout+how.Timeout)
		items, err := r.cl.Get(ctx, r.f.Queue, how)
		cancel()
		if err != nil {
			return fmt.Errorf("remote-flood consumer %d, after %d items: %w", id, fc.received, err)
		}
		for _, it := range items {
			fc.got(it.Data, true)
		}
		if len(items) == 0 {
			fc.got(nil, false)
			if done {
				return nil
			}
		}
	}
}
