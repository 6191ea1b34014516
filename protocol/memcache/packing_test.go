package memcache_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

func diskBytes(t *testing.T, dir, queue string) (total int64, files int) {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, queue+"*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range matches {
		info, err := os.Stat(m)
		if err == nil && !info.IsDir() {
			total += info.Size()
			files++
		}
	}
	return total, files
}

// TestJournalOfQueueThatStaysBehindIsPacked runs Kestrel's packing load in
// small: a queue that fell behind and stays behind, in cycles of writes and
// reads. Rotation and packing keep its journal bounded, every item comes
// out once and in order, also after a restart.
func TestJournalOfQueueThatStaysBehindIsPacked(t *testing.T) {
	cfg := mt.Config(t)
	cfg.Default.MaxMemorySize = 16 << 10
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	next, read := 0, 0
	write := func(n int) {
		for i := 0; i < n; i++ {
			c.MustSet("behind", item(next))
			next++
		}
	}
	write(100) // 100 KiB behind, far past 16 KiB of memory
	const cycles, perCycle = 15, 100
	var largest int64
	for cycle := 0; cycle < cycles; cycle++ {
		write(perCycle)
		for i := 0; i < perCycle; i++ {
			c.MustGet("behind", item(read))
			read++
		}
		size, _ := diskBytes(t, cfg.QueuePath, "behind")
		largest = max(largest, size)
	}
	// Without packing the journal would hold every item ever written
	// (1,600 KiB); with it, the backlog plus a few rotated files.
	if limit := int64(100<<10) + 8*int64(cfg.Default.MaxMemorySize) + 64<<10; largest > limit {
		t.Fatalf("journal reached %d bytes; packing should keep it under %d", largest, limit)
	}
	st := c.Stats()
	t.Logf("largest journal %d bytes; %s rotations, %s packs", largest, st["queue_behind_journal_rotations"], st["queue_behind_journal_rewrites"])
	if st["queue_behind_journal_rotations"] == "0" || st["queue_behind_journal_rewrites"] == "0" {
		t.Fatalf("rotations %s, packs %s: expected both", st["queue_behind_journal_rotations"], st["queue_behind_journal_rewrites"])
	}
	c.MustGet("behind/open", item(read)) // an open read across the restart
	srv.Stop()

	srv = mt.Start(t, cfg)
	c = mt.Dial(t, srv.Addr)
	if got := c.Stats()["queue_behind_items"]; got != strconv.Itoa(next-read) {
		t.Fatalf("after restart: %s items, want %d", got, next-read)
	}
	for ; read < next; read++ {
		c.MustGet("behind", item(read))
	}
	c.MustBeEmpty("behind")
}

func TestInMemoryQueueJournalIsCompactedPastMaxJournalSize(t *testing.T) {
	cfg := mt.Config(t)
	cfg.Default.MaxJournalSize = 32 << 10
	cfg.Default.MinJournalCompactDelay = 0
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("steady", "keep") // never empty, so never started over
	for i := 0; i < 200; i++ {
		c.MustSet("steady", item(i))
		c.MustGet("steady/peek", "keep")
		c.MustGet("steady", "keep")
		c.MustSet("steady", "keep")
		c.MustGet("steady", item(i))
	}
	if size, _ := diskBytes(t, cfg.QueuePath, "steady"); size > 2*32<<10 {
		t.Fatalf("journal is %d bytes, past twice max_journal_size", size)
	}
	if c.Stats()["queue_steady_journal_rewrites"] == "0" {
		t.Fatal("journal never compacted")
	}
	c.MustGet("steady", "keep")
}
