package memcache_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

func item(i int) string { return fmt.Sprintf("%04d-%s", i, strings.Repeat("x", 1019)) }

// TestQueueLargerThanMemoryIsServedInOrder: with max_memory_size 64KB, 3000
// items of 1 KiB are served in order, and memory never holds more than the
// limit plus one item.
func TestQueueLargerThanMemoryIsServedInOrder(t *testing.T) {
	cfg := mt.Config(t)
	cfg.Default.MaxMemorySize = 64 << 10
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	const n = 3000
	limit := int64(cfg.Default.MaxMemorySize) + 1024
	checkMemory := func() {
		t.Helper()
		st := c.Stats()
		if mem, _ := strconv.ParseInt(st["queue_big_mem_bytes"], 10, 64); mem > limit {
			t.Fatalf("mem_bytes %d passes the limit %d", mem, limit)
		}
	}
	for i := 0; i < n; i++ {
		c.MustSet("big", item(i))
		if i%500 == 0 {
			checkMemory()
		}
	}
	st := c.Stats()
	if st["queue_big_items"] != strconv.Itoa(n) || st["queue_big_mem_items"] == st["queue_big_items"] {
		t.Fatalf("items %s, mem_items %s: the queue should be reading behind", st["queue_big_items"], st["queue_big_mem_items"])
	}
	for i := 0; i < n; i++ {
		c.MustGet("big", item(i))
		if i%500 == 0 {
			checkMemory()
		}
	}
	c.MustBeEmpty("big")
}

func TestReadBehindSurvivesRestart(t *testing.T) {
	cfg := mt.Config(t)
	cfg.Default.MaxMemorySize = 16 << 10
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	for i := 0; i < 200; i++ {
		c.MustSet("deep", item(i))
	}
	for i := 0; i < 50; i++ {
		c.MustGet("deep", item(i))
	}
	c.MustGet("deep/open", item(50))
	srv.Stop()

	srv = mt.Start(t, cfg)
	c = mt.Dial(t, srv.Addr)
	st := c.Stats()
	if mem, _ := strconv.Atoi(st["queue_deep_mem_bytes"]); mem > 17<<10 {
		t.Fatalf("replay loaded %d bytes into memory, past max_memory_size", mem)
	}
	for i := 50; i < 200; i++ {
		c.MustGet("deep", item(i))
	}
	c.MustBeEmpty("deep")
}
