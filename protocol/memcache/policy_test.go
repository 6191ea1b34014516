package memcache_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/config"
	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

// withQueue gives queue name its own settings on top of the default.
func withQueue(cfg *config.Config, name string, set func(q *config.Queue)) {
	q := cfg.Default
	set(&q)
	if cfg.Queues == nil {
		cfg.Queues = map[string]config.Queue{}
	}
	cfg.Queues[name] = q
}

func TestItemExpiresAfterItsTime(t *testing.T) {
	_, c := start(t)
	c.Write("set brief 0 1 4\r\ngone\r\n")
	c.Expect("STORED")
	c.MustSet("brief", "kept") // never expires
	waitFor(t, "the item to expire", func() bool {
		data, _ := c.Get("brief/peek")
		return string(data) == "kept"
	})
	c.MustGet("brief", "kept")
	if got := c.Stats()["queue_brief_expired_items"]; got != "1" {
		t.Fatalf("expired_items = %s", got)
	}
}

func TestNegativeExptimeIsAlreadyExpired(t *testing.T) {
	_, c := start(t)
	c.Write("set past 0 -1 3\r\nold\r\n")
	c.Expect("STORED")
	c.MustBeEmpty("past")
}

func TestExpireToQueueMovesExpiredItemsInOrder(t *testing.T) {
	cfg := mt.Config(t)
	cfg.ExpirationTimerFrequency = 100 * time.Millisecond
	withQueue(cfg, "delay", func(q *config.Queue) {
		q.MaxAge = 200 * time.Millisecond
		q.ExpireToQueue = "ready"
	})
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	for i := 0; i < 5; i++ {
		c.MustSet("delay", fmt.Sprint(i))
	}
	// Nobody reads "delay": only the sweep can move the items.
	waitFor(t, "the sweep to move the items", func() bool { return c.Stats()["queue_ready_items"] == "5" })
	for i := 0; i < 5; i++ {
		c.MustGet("ready", fmt.Sprint(i))
	}
	if got := c.Stats()["queue_delay_items"]; got != "0" {
		t.Fatalf("delay still has %s items", got)
	}
}

func TestSweepRemovesAtMostMaxExpireSweepPerRound(t *testing.T) {
	cfg := mt.Config(t)
	cfg.ExpirationTimerFrequency = 100 * time.Millisecond
	withQueue(cfg, "swarm", func(q *config.Queue) { q.MaxExpireSweep = 2 })
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	// An absolute exptime: all six expire at the same instant.
	at := time.Now().Unix() + 2
	for i := 0; i < 6; i++ {
		c.Write(fmt.Sprintf("set swarm 0 %d 1\r\n%d\r\n", at, i))
		c.Expect("STORED")
	}
	// Watch expired_items without touching the queue (a read would expire
	// everything): it must climb 2 at a time.
	seen := map[string]bool{}
	waitFor(t, "all six expired", func() bool {
		n := c.Stats()["queue_swarm_expired_items"]
		seen[n] = true
		return n == "6"
	})
	for n := range seen {
		if n != "0" && n != "2" && n != "4" && n != "6" {
			t.Fatalf("expired_items reached %s: a round removed more than 2", n)
		}
	}
	if !seen["2"] || !seen["4"] {
		t.Fatalf("expired_items went %v: rounds of at most 2 would pass 2 and 4", seen)
	}
}

func TestFullQueueRefusesOrDiscardsOldest(t *testing.T) {
	cfg := mt.Config(t)
	withQueue(cfg, "small", func(q *config.Queue) { q.MaxItems = 3 })
	withQueue(cfg, "rolling", func(q *config.Queue) {
		q.MaxItems = 3
		q.DiscardOldWhenFull = true
	})
	withQueue(cfg, "tiny", func(q *config.Queue) { q.MaxItemSize = 4 })
	withQueue(cfg, "bytes", func(q *config.Queue) { q.MaxSize = 10 })
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	for i := 1; i <= 3; i++ {
		c.MustSet("small", fmt.Sprint(i))
		c.MustSet("rolling", fmt.Sprint(i))
	}
	if got := c.Set("small", []byte("4")); got != "NOT_STORED" {
		t.Fatalf("4th item into max_items=3: %q", got)
	}
	c.MustSet("rolling", "4")
	for _, want := range []string{"2", "3", "4"} {
		c.MustGet("rolling", want)
	}
	if got := c.Stats()["queue_rolling_discarded"]; got != "1" {
		t.Fatalf("discarded = %s", got)
	}
	if got := c.Set("tiny", []byte("12345")); got != "NOT_STORED" {
		t.Fatalf("item over max_item_size: %q", got)
	}
	c.MustSet("bytes", "12345")
	c.MustSet("bytes", "67890")
	if got := c.Set("bytes", []byte("x")); got != "NOT_STORED" {
		t.Fatalf("item past max_size: %q", got)
	}
}

func TestFanoutChildReceivesParentItemsAndSurvivesRestart(t *testing.T) {
	cfg := mt.Config(t)
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("orders", "before-child")
	c.MustBeEmpty("orders+audit") // referencing the child creates it
	c.MustSet("orders", "one")
	c.MustSet("orders", "two")
	c.MustGet("orders+audit", "one")
	srv.Stop()

	srv = mt.Start(t, cfg)
	c = mt.Dial(t, srv.Addr)
	c.MustSet("orders", "three")
	c.MustGet("orders+audit", "two")
	c.MustGet("orders+audit", "three")
	c.MustBeEmpty("orders+audit")
	for _, want := range []string{"before-child", "one", "two", "three"} {
		c.MustGet("orders", want)
	}
	if got := c.Do("delete orders+audit"); got != "DELETED" {
		t.Fatalf("delete child: %q", got)
	}
	c.MustSet("orders", "four")
	if _, ok := c.Stats()["queue_orders+audit_items"]; ok {
		t.Fatal("a deleted child came back on the next parent set")
	}
}

func TestFanoutOnlyParentStoresNothing(t *testing.T) {
	cfg := mt.Config(t)
	withQueue(cfg, "events", func(q *config.Queue) { q.FanoutOnly = true })
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustBeEmpty("events+a")
	c.MustSet("events", "e1")
	c.MustBeEmpty("events")
	c.MustGet("events+a", "e1")
}

func TestAliasDeliversToAllDestinations(t *testing.T) {
	cfg := mt.Config(t)
	cfg.Aliases = map[string]config.Alias{"everything": {DestQueues: []string{"w", "audit"}}}
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("everything", "x")
	c.MustGet("w", "x")
	c.MustGet("audit", "x")
	c.MustBeEmpty("everything")
	for _, cmd := range []string{"delete everything", "flush everything"} {
		if got := c.Do(cmd); strings.HasPrefix(got, "SERVER_ERROR") || strings.HasPrefix(got, "CLIENT_ERROR") {
			t.Errorf("%s: %q", cmd, got)
		}
	}
}

func TestOpenReadPastTimeoutIsServedToAnother(t *testing.T) {
	cfg := mt.Config(t)
	withQueue(cfg, "slowjobs", func(q *config.Queue) { q.OpenTransactionTimeout = 200 * time.Millisecond })
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("slowjobs", "job")
	c.MustGet("slowjobs/open", "job")
	other := mt.Dial(t, srv.Addr)
	data, ok := other.Get("slowjobs/t=5000")
	if !ok || string(data) != "job" {
		t.Fatalf("other client got %q %v, want the timed-out job", data, ok)
	}
	// The first client's read is gone: it may open a new one.
	c.MustSet("slowjobs", "next")
	c.MustGet("slowjobs/close/open", "next")
}

func TestEmptyQueueIsDeletedPastMaxQueueAge(t *testing.T) {
	cfg := mt.Config(t)
	cfg.ExpirationTimerFrequency = 50 * time.Millisecond
	withQueue(cfg, "temp", func(q *config.Queue) { q.MaxQueueAge = 100 * time.Millisecond })
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("temp", "x")
	c.MustSet("keep", "y")
	c.MustGet("temp", "x")
	waitFor(t, "temp to be deleted", func() bool { return c.Stats()["queue_expires"] == "1" })
	st := c.Stats()
	if _, ok := st["queue_temp_items"]; ok || st["queue_keep_items"] != "1" {
		t.Fatalf("after expiry: temp listed %v, keep items %s", ok, st["queue_keep_items"])
	}
}

func TestConnectionLimits(t *testing.T) {
	cfg := mt.Config(t)
	cfg.MaxConnections = 3
	cfg.ConnectionLimitRefuseWrites = 1
	srv := mt.Start(t, cfg)
	first := mt.Dial(t, srv.Addr)
	first.MustSet("q", "ok")
	second := mt.Dial(t, srv.Addr)
	if got := second.Set("q", []byte("no")); !strings.HasPrefix(got, "SERVER_ERROR") {
		t.Fatalf("set past connection_limit_refuse_writes: %q", got)
	}
	second.MustGet("q", "ok") // reads are still allowed
	mt.Dial(t, srv.Addr).Do("version")
	fourth := mt.Dial(t, srv.Addr)
	if got := fourth.Line(); got != "SERVER_ERROR too many connections" {
		t.Fatalf("connection past max_connections: %q", got)
	}
	fourth.ExpectClosed()
}

func TestIdleClientIsClosed(t *testing.T) {
	cfg := mt.Config(t)
	cfg.ClientTimeout = 100 * time.Millisecond
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("q", "x")
	c.ExpectClosed()
}

func TestFlushExpiredCountsWhatItDrops(t *testing.T) {
	_, c := start(t)
	// Each set drops the expired items ahead of it, so one per queue.
	for _, q := range []string{"a", "b", "c"} {
		c.Write("set " + q + " 0 -1 1\r\nx\r\n")
		c.Expect("STORED")
	}
	if got := c.Do("flush_expired a"); got != "1" {
		t.Fatalf("flush_expired a: %q", got)
	}
	if got := c.Do("flush_all_expired"); got != "2" {
		t.Fatalf("flush_all_expired: %q", got)
	}
	if got := c.Stats()["curr_items"]; got != "0" {
		t.Fatalf("curr_items = %s", got)
	}
}

func TestPoisonItemGoesToDeadLetterQueueAfterMaxDeliveries(t *testing.T) {
	cfg := mt.Config(t)
	withQueue(cfg, "jobs", func(q *config.Queue) {
		q.MaxDeliveries = 3
		q.DeadLetterQueue = "jobs_dead"
	})
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("jobs", "poison")
	c.MustSet("jobs", "fine")
	// Delivered and returned twice: by abort, then by a client hanging up.
	c.MustGet("jobs/open", "poison")
	c.Write("get jobs/abort\r\n")
	c.Expect("END")
	quitter := mt.Dial(t, srv.Addr)
	quitter.MustGet("jobs/open", "poison")
	quitter.Close()
	waitFor(t, "the read to come back", func() bool { return c.Stats()["queue_jobs_items"] == "2" })
	srv.Stop()

	// The count survives a restart; the third return sends it away.
	srv = mt.Start(t, cfg)
	c = mt.Dial(t, srv.Addr)
	c.MustGet("jobs/open", "poison")
	c.Write("get jobs/abort\r\n")
	c.Expect("END")
	c.MustGet("jobs", "fine")
	c.MustBeEmpty("jobs")
	waitFor(t, "the dead letter", func() bool { return c.Stats()["queue_jobs_dead_items"] == "1" })
	c.MustGet("jobs_dead", "poison")
	if got := c.Stats()["queue_jobs_dead_lettered"]; got != "1" {
		t.Fatalf("dead_lettered = %s", got)
	}
}
