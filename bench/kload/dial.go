package kload

import (
	"fmt"
	"sync/atomic"
	"time"
)

const (
	dialTimeout = 5 * time.Second
	// dialGiveUp bounds connection retries. Kestrel's tests retried forever,
	// which hides a server that is simply down.
	dialGiveUp = 10 * time.Second
	// ioTimeout bounds every batch on an established connection.
	ioTimeout = 30 * time.Second
)

// dialRetry connects, retrying failures like Kestrel's tryHard: hundreds of
// clients connecting at once can overflow the server's listen backlog, which
// is worth waiting out rather than failing the run. Each retry is counted in
// retries for the "Had to retry" report line.
func dialRetry(addr string, retries *atomic.Int64) (*Conn, error) {
	giveUp := time.Now().Add(dialGiveUp)
	backoff := 5 * time.Millisecond
	for {
		c, err := Dial(addr, dialTimeout)
		if err == nil {
			c.IOTimeout = ioTimeout
			return c, nil
		}
		if time.Now().After(giveUp) {
			return nil, fmt.Errorf("connect to %s: still failing after %s: %w", addr, dialGiveUp, err)
		}
		retries.Add(1)
		time.Sleep(backoff)
		backoff = min(2*backoff, 500*time.Millisecond)
	}
}

// flushQueues empties queues before a run so leftovers from an earlier run
// don't count (put-many) or break the order check (flood).
func flushQueues(addr string, queues []string) error {
	var retries atomic.Int64
	c, err := dialRetry(addr, &retries)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, q := range queues {
		if err := c.FlushQueue(q); err != nil {
			return fmt.Errorf("flushing before the run: %w", err)
		}
	}
	return nil
}
