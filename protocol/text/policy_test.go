package text_test

import (
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
	tt "github.com/kestrel-go/kestrel/protocol/text/texttest"
)

func TestConnectionLimits(t *testing.T) {
	cfg := memcachetest.Config(t)
	cfg.MaxConnections = 3
	cfg.ConnectionLimitRefuseWrites = 1
	srv := tt.Start(t, cfg)
	first := tt.Dial(t, srv.Addr)
	first.MustPut("q", "ok")
	second := tt.Dial(t, srv.Addr)
	if got := second.Put("q", "no"); got != "-refused: too many connections" {
		t.Fatalf("put past connection_limit_refuse_writes: %q", got)
	}
	if got := second.Do("get q"); got != ":ok" { // reads are still allowed
		t.Fatalf("get: %q", got)
	}
	tt.Dial(t, srv.Addr).Do("version")
	fourth := tt.Dial(t, srv.Addr)
	if got := fourth.Line(); got != "-too many connections" {
		t.Fatalf("connection past max_connections: %q", got)
	}
	fourth.ExpectClosed()
}

func TestIdleClientIsClosed(t *testing.T) {
	cfg := memcachetest.Config(t)
	cfg.ClientTimeout = 100 * time.Millisecond
	srv := tt.Start(t, cfg)
	c := tt.Dial(t, srv.Addr)
	c.MustPut("q", "x")
	c.ExpectClosed()
}

func TestPutExpiryIsCappedByMaxAge(t *testing.T) {
	cfg := memcachetest.Config(t)
	cfg.Default.MaxAge = 30 * time.Millisecond
	srv := tt.Start(t, cfg)
	c := tt.Dial(t, srv.Addr)
	c.MustPut("aged 60000", "short anyway")
	waitFor(t, "max_age to expire the item", func() bool { return c.Do("peek aged") == "*" })
	if got := queueStat(srv, "aged", "expired_items"); got != "1" {
		t.Fatalf("expired_items = %q", got)
	}
}
