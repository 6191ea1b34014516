package memcache_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

// waitFor polls cond until it holds, failing after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBlockingGetAnsweredWhenItemArrives(t *testing.T) {
	srv, c := start(t)
	reader := mt.Dial(t, srv.Addr)
	reader.Write("get slow/t=10000\r\n")
	waitFor(t, "waiter parked", func() bool { return c.Stats()["queue_slow_waiters"] == "1" })
	began := time.Now()
	c.MustSet("slow", "now")
	if data, ok := reader.ReadValue("slow/t=10000"); !ok || string(data) != "now" {
		t.Fatalf("got %q %v", data, ok)
	}
	if waited := time.Since(began); waited > 5*time.Second {
		t.Fatalf("answered after %v, not when the item arrived", waited)
	}
}

func TestBlockingGetEndsAtDeadline(t *testing.T) {
	_, c := start(t)
	began := time.Now()
	c.MustBeEmpty("idle/t=200")
	if waited := time.Since(began); waited < 200*time.Millisecond {
		t.Fatalf("answered after %v, before the 200ms deadline", waited)
	}
}

func TestWaitersServedFirstComeFirstServed(t *testing.T) {
	srv, c := start(t)
	readers := make([]*mt.Client, 5)
	for i := range readers {
		readers[i] = mt.Dial(t, srv.Addr)
		readers[i].Write("get fair/t=10000\r\n")
		n := fmt.Sprint(i + 1)
		waitFor(t, "waiter "+n, func() bool { return c.Stats()["queue_fair_waiters"] == n })
	}
	for i := range readers {
		c.MustSet("fair", fmt.Sprint(i))
	}
	for i, r := range readers {
		if data, ok := r.ReadValue("fair/t=10000"); !ok || string(data) != fmt.Sprint(i) {
			t.Fatalf("reader %d got %q %v, want %d", i, data, ok, i)
		}
	}
}

func TestWaiterThatHangsUpLeavesItemQueued(t *testing.T) {
	srv, c := start(t)
	reader := mt.Dial(t, srv.Addr)
	reader.Write("get gone/t=30000\r\n")
	waitFor(t, "waiter parked", func() bool { return c.Stats()["queue_gone_waiters"] == "1" })
	reader.Close()
	waitFor(t, "waiter withdrawn", func() bool { return c.Stats()["queue_gone_waiters"] == "0" })
	c.MustSet("gone", "kept")
	c.MustGet("gone", "kept")
}

func TestMonitorHandsOutOpenReads(t *testing.T) {
	cfg := mt.Config(t)
	cfg.MaxOpenTransactions = 5
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("m", "a")
	c.MustSet("m", "b")
	mon := mt.Dial(t, srv.Addr)
	mon.Write("monitor m 1 5\r\n")
	for _, want := range []string{"a", "b"} {
		line := mon.Line()
		if line != fmt.Sprintf("VALUE m 0 %d", len(want)) {
			t.Fatalf("monitor line %q", line)
		}
		mon.Expect(want)
	}
	mon.Expect("END")
	if got := mon.Do("confirm m 2"); got != "END" {
		t.Fatalf("confirm: %q", got)
	}
	c.MustBeEmpty("m")
}

func TestMalformedRequestsGetClientErrorAndClose(t *testing.T) {
	srv, _ := start(t)
	for _, req := range []string{
		"bogus\r\n",
		"set q 0 0 x\r\n",
		"set q 0 0 3\r\nabcdef\r\n",
		"get\r\n",
		"set bad/name 0 0 1\r\na\r\n",
		strings.Repeat("g", 5000) + "\r\n",
	} {
		c := mt.Dial(t, srv.Addr)
		c.Write(req)
		if line := c.Line(); !strings.HasPrefix(line, "CLIENT_ERROR") {
			t.Errorf("%.20q: %q, want CLIENT_ERROR", req, line)
		}
		c.ExpectClosed()
	}
}

func TestHugeLengthRefusedWithoutAllocating(t *testing.T) {
	_, c := start(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c.Write("set q 0 0 4000000000\r\n")
	if line := c.Line(); !strings.HasPrefix(line, "CLIENT_ERROR") {
		t.Fatalf("reply %q, want CLIENT_ERROR", line)
	}
	c.ExpectClosed()
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Fatalf("server allocated %d bytes for a refused request", grew)
	}
}

func TestDeleteDropsQueue(t *testing.T) {
	_, c := start(t)
	c.MustSet("doomed", "x")
	if got := c.Do("delete doomed"); got != "DELETED" {
		t.Fatalf("delete: %q", got)
	}
	if _, ok := c.Stats()["queue_doomed_items"]; ok {
		t.Fatal("deleted queue still in stats")
	}
	c.MustBeEmpty("doomed")
	c.MustSet("doomed", "y")
	c.MustGet("doomed", "y")
}

func TestFlushAndFlushAll(t *testing.T) {
	_, c := start(t)
	c.MustSet("a", "1")
	c.MustSet("b", "2")
	c.MustSet("b", "3")
	if got := c.Do("flush a"); got != "END" {
		t.Fatalf("flush: %q", got)
	}
	c.MustBeEmpty("a")
	if got := c.Do("flush_all"); got != "Flushed all queues." {
		t.Fatalf("flush_all: %q", got)
	}
	c.MustBeEmpty("b")
}

func TestStatsCountOperations(t *testing.T) {
	_, c := start(t)
	c.MustSet("s", "12345")
	c.MustSet("s", "678")
	c.MustGet("s", "12345")
	c.MustBeEmpty("t")
	st := c.Stats()
	want := map[string]string{
		"cmd_set": "2", "cmd_get": "2", "get_hits": "1", "get_misses": "1",
		"curr_items": "1", "bytes": "3", "total_items": "2",
		"queue_s_items": "1", "queue_s_bytes": "3", "queue_s_total_items": "2",
		"queue_t_items": "0",
	}
	for k, v := range want {
		if st[k] != v {
			t.Errorf("stat %s = %q, want %q", k, st[k], v)
		}
	}
	if st["version"] == "" || st["curr_connections"] != "1" {
		t.Errorf("version %q curr_connections %q", st["version"], st["curr_connections"])
	}
}

func TestDumpStatsGroupsByQueue(t *testing.T) {
	_, c := start(t)
	c.MustSet("d", "1")
	c.Write("dump_stats\r\n")
	c.Expect("queue 'd' {")
	if line := c.Line(); line != "  items=1" {
		t.Fatalf("first stat %q", line)
	}
	for c.Line() != "}" {
	}
	c.Expect("END")
}
