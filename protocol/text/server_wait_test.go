package text_test

import (
	"testing"
	"time"

	tt "github.com/kestrel-go/kestrel/protocol/text/texttest"
)

func TestBlockingGetAnsweredWhenItemArrives(t *testing.T) {
	srv, c := start(t)
	reader := tt.Dial(t, srv.Addr)
	reader.Write("get slow 10000\n")
	waitFor(t, "waiter parked", func() bool { return queueStat(srv, "slow", "waiters") == "1" })
	began := time.Now()
	c.MustPut("slow", "now")
	reader.Expect(":now")
	if waited := time.Since(began); waited > 5*time.Second {
		t.Fatalf("answered after %v, not when the item arrived", waited)
	}
}

func TestBlockingGetEndsAtDeadline(t *testing.T) {
	_, c := start(t)
	began := time.Now()
	if got := c.Do("get idle 200"); got != "*" {
		t.Fatalf("get: %q", got)
	}
	if waited := time.Since(began); waited < 200*time.Millisecond {
		t.Fatalf("answered after %v, before the 200ms deadline", waited)
	}
}

func TestRepliesBeforeABlockingGetAreNotHeldBack(t *testing.T) {
	srv, c := start(t)
	c.Write("put early:\nx\n\nget slow 10000\n")
	c.Expect("+1")
	waitFor(t, "waiter parked", func() bool { return queueStat(srv, "slow", "waiters") == "1" })
}

func TestWaiterThatHangsUpLeavesItemQueued(t *testing.T) {
	srv, c := start(t)
	reader := tt.Dial(t, srv.Addr)
	reader.Write("get gone 30000\n")
	waitFor(t, "waiter parked", func() bool { return queueStat(srv, "gone", "waiters") == "1" })
	reader.Close()
	waitFor(t, "waiter withdrawn", func() bool { return queueStat(srv, "gone", "waiters") == "0" })
	c.MustPut("gone", "kept")
	if got := c.Do("get gone"); got != ":kept" {
		t.Fatalf("get: %q", got)
	}
}

func TestMonitorWaitsForItemsUntilItsTimeout(t *testing.T) {
	srv, c := start(t)
	mon := tt.Dial(t, srv.Addr)
	mon.Write("monitor m 10000\n")
	waitFor(t, "monitor parked", func() bool { return queueStat(srv, "m", "waiters") == "1" })
	c.MustPut("m", "a")
	mon.Expect(":a")
	mon.Expect("+1") // max_open_transactions (1) reached
	began := time.Now()
	if got := mon.Do("monitor empty 100"); got != "+0" {
		t.Fatalf("monitor of an empty queue: %q", got)
	}
	if waited := time.Since(began); waited < 100*time.Millisecond {
		t.Fatalf("monitor ended after %v, before its 100ms timeout", waited)
	}
	if got := mon.Do("monitor m"); got != "+0" {
		t.Fatalf("monitor confirming a and finding nothing: %q", got)
	}
}

func TestPeekWaitsForAnItemAndLeavesIt(t *testing.T) {
	srv, c := start(t)
	reader := tt.Dial(t, srv.Addr)
	reader.Write("peek slow 10000\n")
	waitFor(t, "peek parked", func() bool { return queueStat(srv, "slow", "waiters") == "1" })
	c.MustPut("slow", "seen")
	reader.Expect(":seen")
	if got := c.Do("get slow"); got != ":seen" {
		t.Fatalf("get after the peek: %q", got)
	}
}
