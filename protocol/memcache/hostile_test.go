package memcache_test

import (
	"bytes"
	"io"
	"testing"
	"time"

	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

// A client that asks for replies and never reads them is disconnected once
// a write has waited write_timeout; it costs the server a bounded amount
// meanwhile, and other clients are served throughout.
func TestClientThatNeverReadsIsDisconnected(t *testing.T) {
	cfg := mt.Config(t)
	cfg.WriteTimeout = 300 * time.Millisecond
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("big", string(bytes.Repeat([]byte("x"), 64<<10)))

	hostile := mt.Dial(t, srv.Addr).Conn()
	waitFor(t, "hostile connected", func() bool { return srv.Queues.Stats.CurrConnections.Load() == 2 })
	stopped := make(chan error, 1)
	go func() {
		for {
			_ = hostile.SetWriteDeadline(time.Now().Add(20 * time.Second))
			if _, err := io.WriteString(hostile, "get big/peek\r\n"); err != nil {
				stopped <- err
				return
			}
		}
	}()
	c.MustSet("other", "served")
	c.MustGet("other", "served")
	waitFor(t, "hostile disconnected", func() bool { return srv.Queues.Stats.CurrConnections.Load() == 1 })
	if err := <-stopped; err == nil {
		t.Fatal("the hostile client's writes never failed")
	}
	// Each peek answers 64 KiB; what went out is what the socket buffers
	// took before the writes blocked, not what was asked for.
	if written := srv.Queues.Stats.BytesWritten.Load(); written > 64<<20 {
		t.Errorf("%d bytes written to a client that never read", written)
	}
	c.MustSet("other", "still served")
	c.MustGet("other", "still served")
}

// A client sending a set a byte at a time holds its own connection slot
// and nothing else: other clients use the same queue meanwhile, and
// request_timeout frees the slot. The half-sent item never appears.
func TestSlowlorisHoldsOnlyItsOwnConnection(t *testing.T) {
	cfg := mt.Config(t)
	cfg.RequestTimeout = 500 * time.Millisecond
	cfg.MaxConnections = 2
	srv := mt.Start(t, cfg)
	slow := mt.Dial(t, srv.Addr)
	waitFor(t, "slow client connected", func() bool { return srv.Queues.Stats.CurrConnections.Load() == 1 })
	stop := make(chan struct{})
	defer close(stop)
	go trickle(slow, "set work 0 0 100\r\nabc", stop)

	c := mt.Dial(t, srv.Addr)
	c.MustSet("work", "first")
	c.MustGet("work", "first")
	third := mt.Dial(t, srv.Addr)
	third.Expect("SERVER_ERROR too many connections")

	slow.ExpectClosed()
	waitFor(t, "slot freed", func() bool { return srv.Queues.Stats.CurrConnections.Load() == 1 })
	again := mt.Dial(t, srv.Addr)
	again.MustBeEmpty("work")
	c.MustBeEmpty("work")
}

// trickle sends s a byte every 50 ms, then a byte every 50 ms for ever,
// until stop or a failed write.
func trickle(c *mt.Client, s string, stop <-chan struct{}) {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-time.After(50 * time.Millisecond):
		}
		b := byte('z')
		if i < len(s) {
			b = s[i]
		}
		if _, err := c.Conn().Write([]byte{b}); err != nil {
			return
		}
	}
}
