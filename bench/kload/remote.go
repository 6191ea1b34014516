package kload

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/client"
)

// The remote-* tests load a server through its remote API (remote_port)
// with the Go client, instead of the memcache protocol: --server is then
// the remote port, or a comma-separated list of them, which the client
// treats as one queue.

// remoteTimeout bounds each request of a remote test, as ioTimeout does a
// memcache batch.
const remoteTimeout = 30 * time.Second

func newRemoteClient(c Common) (*client.Client, error) {
	cl, err := client.New(strings.Split(c.Server, ","), client.WithRequestTimeout(remoteTimeout))
	if err != nil {
		return nil, fmt.Errorf("remote client of %s: %w", c.Server, err)
	}
	return cl, nil
}

// startRemote checks a remote test's parameters, makes its client and
// result, and empties its queues first if flush. A failed flush is in the
// result's errors.
func startRemote(c Common, test string, check func() error, flush bool, queues []string) (*client.Client, *Result, error) {
	if err := c.validate(); err != nil {
		return nil, nil, err
	}
	if err := check(); err != nil {
		return nil, nil, err
	}
	cl, err := newRemoteClient(c)
	if err != nil {
		return nil, nil, err
	}
	res := newResult(test)
	if flush {
		if err := flushRemote(cl, queues); err != nil {
			res.Errors.Add(err)
			cl.Close()
		}
	}
	return cl, res, nil
}

// flushRemote empties queues on every server before a run.
func flushRemote(cl *client.Client, queues []string) error {
	ctx, cancel := context.WithTimeout(context.Background(), remoteTimeout)
	defer cancel()
	for _, q := range queues {
		if err := cl.Flush(ctx, q); err != nil {
			return fmt.Errorf("flushing before the run: %w", err)
		}
	}
	return nil
}

// batchOf is k items, each its own buffer, for a put of k at once.
func batchOf(k, size int) [][]byte {
	items := make([][]byte, k)
	for i := range items {
		items[i] = newFloodItem(size)
	}
	return items
}
