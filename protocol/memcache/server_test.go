package memcache_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

func start(t *testing.T) (*mt.Server, *mt.Client) {
	t.Helper()
	srv := mt.Start(t, mt.Config(t))
	return srv, mt.Dial(t, srv.Addr)
}

func TestItemsComeOutInFIFOOrder(t *testing.T) {
	_, c := start(t)
	for i := 0; i < 50; i++ {
		c.MustSet("work", fmt.Sprintf("item-%d", i))
	}
	for i := 0; i < 50; i++ {
		c.MustGet("work", fmt.Sprintf("item-%d", i))
	}
	c.MustBeEmpty("work")
}

func TestItemsAreBinarySafe(t *testing.T) {
	_, c := start(t)
	data := []byte("line one\r\nEND\r\nVALUE x 0 3\r\n\x00\xff")
	if got := c.Set("bin", data); got != "STORED" {
		t.Fatalf("set: %q", got)
	}
	got, ok := c.Get("bin")
	if !ok || !bytes.Equal(got, data) {
		t.Fatalf("get = %q, want %q", got, data)
	}
}

func TestOneMebibyteItem(t *testing.T) {
	_, c := start(t)
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	if got := c.Set("big", data); got != "STORED" {
		t.Fatalf("set: %q", got)
	}
	got, ok := c.Get("big")
	if !ok || !bytes.Equal(got, data) {
		t.Fatalf("get returned %d bytes (found %v), want %d", len(got), ok, len(data))
	}
}

func TestValueEchoesKeyAsSent(t *testing.T) {
	_, c := start(t)
	c.MustSet("work", "a")
	c.Write("get work/t=10/open\r\n")
	if data, ok := c.ReadValue("work/t=10/open"); !ok || string(data) != "a" {
		t.Fatalf("got %q %v", data, ok)
	}
}

func TestNoReplySetSendsNothing(t *testing.T) {
	_, c := start(t)
	c.Write("set q 0 0 1 noreply\r\na\r\nset q 0 0 1 noreply\r\nb\r\n")
	c.MustGet("q", "a")
	c.MustGet("q", "b")
}

func TestPipelinedRequestsAnsweredInOrder(t *testing.T) {
	_, c := start(t)
	var req strings.Builder
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&req, "set p 0 0 %d\r\n%d\r\n", len(fmt.Sprint(i)), i)
	}
	for i := 0; i < 100; i++ {
		req.WriteString("get p\r\n")
	}
	req.WriteString("version\r\n")
	c.Write(req.String())
	for i := 0; i < 100; i++ {
		c.Expect("STORED")
	}
	for i := 0; i < 100; i++ {
		if data, ok := c.ReadValue("p"); !ok || string(data) != fmt.Sprint(i) {
			t.Fatalf("reply %d = %q %v", i, data, ok)
		}
	}
	if v := c.Line(); !strings.HasPrefix(v, "VERSION ") {
		t.Fatalf("version reply %q", v)
	}
}

func TestOpenReadReturnsToHeadOnDisconnect(t *testing.T) {
	srv, c := start(t)
	c.MustSet("jobs", "first")
	c.MustSet("jobs", "second")
	reader := mt.Dial(t, srv.Addr)
	reader.MustGet("jobs/open", "first")
	reader.Close()
	other := mt.Dial(t, srv.Addr)
	waitFor(t, "item back in queue", func() bool { return other.Stats()["queue_jobs_items"] == "2" })
	other.MustGet("jobs", "first")
	other.MustGet("jobs", "second")
}

func TestOpenReadsReturnOldestFirstOnDisconnect(t *testing.T) {
	cfg := mt.Config(t)
	cfg.MaxOpenTransactions = 3
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	for _, s := range []string{"a", "b", "c", "d"} {
		c.MustSet("q", s)
	}
	reader := mt.Dial(t, srv.Addr)
	reader.MustGet("q/open", "a")
	reader.MustGet("q/open", "b")
	reader.MustGet("q/open", "c")
	reader.Close()
	waitFor(t, "items back", func() bool { return c.Stats()["queue_q_items"] == "4" })
	for _, s := range []string{"a", "b", "c", "d"} {
		c.MustGet("q", s)
	}
}

func TestCloseConfirmsAndOpensNext(t *testing.T) {
	_, c := start(t)
	c.MustSet("q", "1")
	c.MustSet("q", "2")
	c.MustGet("q/open", "1")
	c.MustGet("q/close/open", "2")
	c.Write("get q/close\r\n")
	c.Expect("END")
	stats := c.Stats()
	if stats["queue_q_items"] != "0" || stats["queue_q_open_transactions"] != "0" {
		t.Fatalf("items=%s open=%s, want 0 0", stats["queue_q_items"], stats["queue_q_open_transactions"])
	}
}

func TestAbortReturnsItemToHead(t *testing.T) {
	_, c := start(t)
	c.MustSet("q", "1")
	c.MustSet("q", "2")
	c.MustGet("q/open", "1")
	c.Write("get q/abort\r\n")
	c.Expect("END")
	c.MustGet("q", "1")
	c.MustGet("q", "2")
}

func TestPeekLeavesItem(t *testing.T) {
	_, c := start(t)
	c.MustSet("q", "1")
	c.MustGet("q/peek", "1")
	c.MustGet("q", "1")
	c.MustBeEmpty("q/peek")
}

func TestSecondOpenReadIsRefused(t *testing.T) {
	_, c := start(t)
	c.MustSet("q", "1")
	c.MustSet("q", "2")
	c.MustGet("q/open", "1")
	c.Write("get q/open\r\n")
	c.Expect("ERROR")
	c.ExpectClosed()
}

func TestPlainGetWithOpenReadIsRefused(t *testing.T) {
	_, c := start(t)
	c.MustSet("q", "1")
	c.MustSet("q", "2")
	c.MustGet("q/open", "1")
	c.Write("get q\r\n")
	c.Expect("ERROR")
	c.ExpectClosed()
}

func TestConflictingGetOptionsAreClientErrors(t *testing.T) {
	srv, _ := start(t)
	for _, key := range []string{"q/peek/open", "q/abort/close", "q/peek/abort", "q/bogus", "q/t=x", "/open"} {
		c := mt.Dial(t, srv.Addr)
		c.Write("get " + key + "\r\n")
		if line := c.Line(); !strings.HasPrefix(line, "CLIENT_ERROR") {
			t.Errorf("get %s: %q, want CLIENT_ERROR", key, line)
		}
		c.ExpectClosed()
	}
}

func TestConfirmCountsOpenReads(t *testing.T) {
	cfg := mt.Config(t)
	cfg.MaxOpenTransactions = 2
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	if got := c.Do("confirm q 1"); got != "ERROR" {
		t.Fatalf("confirm with nothing open: %q, want ERROR", got)
	}
	c.MustSet("q", "1")
	c.MustSet("q", "2")
	c.MustGet("q/open", "1")
	c.MustGet("q/open", "2")
	if got := c.Do("confirm q 2"); got != "END" {
		t.Fatalf("confirm: %q", got)
	}
	if got := c.Stats()["queue_q_open_transactions"]; got != "0" {
		t.Fatalf("open transactions %s, want 0", got)
	}
}
