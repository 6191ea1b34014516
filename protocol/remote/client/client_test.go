package client_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/protocol/remote/client"
	"github.com/kestrel-go/kestrel/protocol/remote/remotetest"
	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

func TestPutThenGetInOrder(t *testing.T) {
	c := newClient(t, remotetest.Spawn(t).Addr)
	mustPut(t, c, "work", "a", "b", "c")
	items, err := c.Get(testContext(t), "work", client.GetOptions{Max: 10})
	if err != nil || len(items) != 3 {
		t.Fatalf("get: %q %v", datas(items), err)
	}
	for i, want := range []string{"a", "b", "c"} {
		if got := string(items[i].Data); got != want || items[i].ID != 0 {
			t.Fatalf("item %d: %q id %d, want %q id 0", i, got, items[i].ID, want)
		}
	}
	if items, err := c.Get(testContext(t), "work", client.GetOptions{}); err != nil || len(items) != 0 {
		t.Fatalf("get from the emptied queue: %q %v", datas(items), err)
	}
}

func TestAutoAbortedItemIsServedAgain(t *testing.T) {
	c := newClient(t, remotetest.Spawn(t).Addr)
	mustPut(t, c, "jobs", "x")
	first := mustGet(t, c, "jobs", client.GetOptions{AutoAbort: 200 * time.Millisecond}, "x")
	if first.ID == 0 {
		t.Fatal("an open read came back without an id")
	}
	// Not confirmed: within 200 ms the server puts it back.
	start := time.Now()
	again := mustGet(t, c, "jobs", client.GetOptions{Timeout: 10 * time.Second}, "x")
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Fatalf("served again after %s, before its auto-abort", waited)
	}
	if again.ID != 0 {
		t.Fatalf("a plain get returned id %d", again.ID)
	}
	if n, err := c.Confirm(testContext(t), first); n != 0 || err != nil {
		t.Fatalf("confirm of the auto-aborted read: %d %v, want 0", n, err)
	}
}

func TestConfirmedItemIsGoneAndAbortedComesBack(t *testing.T) {
	c := newClient(t, remotetest.Spawn(t).Addr)
	mustPut(t, c, "jobs", "a", "b")
	items, err := c.Get(testContext(t), "jobs", client.GetOptions{Max: 2, AutoAbort: time.Minute})
	if err != nil || len(items) != 2 {
		t.Fatalf("open get: %q %v", datas(items), err)
	}
	if n, err := c.Confirm(testContext(t), items[0]); n != 1 || err != nil {
		t.Fatalf("confirm a: %d %v", n, err)
	}
	if n, err := c.Abort(testContext(t), items[1]); n != 1 || err != nil {
		t.Fatalf("abort b: %d %v", n, err)
	}
	mustGet(t, c, "jobs", client.GetOptions{}, "b")
	if items, _ := c.Get(testContext(t), "jobs", client.GetOptions{}); len(items) != 0 {
		t.Fatalf("the confirmed item came back: %q", datas(items))
	}
}

func TestWaitingGetTakesItemPutMeanwhile(t *testing.T) {
	c := newClient(t, remotetest.Spawn(t).Addr)
	got := make(chan []client.Item, 1)
	go func() {
		items, _ := c.Get(testContext(t), "later", client.GetOptions{Timeout: 20 * time.Second})
		got <- items
	}()
	// Wait until the get is parked on the server, then put.
	remotetest.Await(t, 10*time.Second, func() bool {
		info, err := c.Peek(testContext(t), "later")
		return err == nil && info.Waiters == 1
	})
	mustPut(t, c, "later", "now")
	if items := <-got; len(items) != 1 || string(items[0].Data) != "now" {
		t.Fatalf("waiting get: %q", datas(items))
	}
}

func TestPeekShowsHeadAndCounts(t *testing.T) {
	c := newClient(t, remotetest.Spawn(t).Addr)
	mustPut(t, c, "seen", "head", "tail")
	info, err := c.Peek(testContext(t), "seen")
	if err != nil || string(info.HeadItem) != "head" || info.Items != 2 || info.Bytes != 8 {
		t.Fatalf("peek: %+v %v", info, err)
	}
	if info.JournalBytes == 0 {
		t.Fatalf("peek: journal size 0 after two puts")
	}
	mustGet(t, c, "seen", client.GetOptions{}, "head") // peek took nothing
}

func TestFlushAndDeleteEmptyQueue(t *testing.T) {
	c := newClient(t, remotetest.Spawn(t).Addr)
	mustPut(t, c, "gone", "1", "2")
	if err := c.Flush(testContext(t), "gone"); err != nil {
		t.Fatal(err)
	}
	if info, _ := c.Peek(testContext(t), "gone"); info.Items != 0 {
		t.Fatalf("after flush: %d items", info.Items)
	}
	mustPut(t, c, "gone", "3")
	if err := c.Delete(testContext(t), "gone"); err != nil {
		t.Fatal(err)
	}
	if items, _ := c.Get(testContext(t), "gone", client.GetOptions{}); len(items) != 0 {
		t.Fatalf("after delete: %q", datas(items))
	}
}

func TestItemLargerThanGRPCDefaultFrame(t *testing.T) {
	c := newClient(t, remotetest.Spawn(t).Addr)
	big := bytes.Repeat([]byte("k"), 5<<20) // gRPC refuses frames over 4 MB unless told
	if n, err := c.Put(testContext(t), "big", big); n != 1 || err != nil {
		t.Fatalf("put 5 MB: %d %v", n, err)
	}
	items, err := c.Get(testContext(t), "big", client.GetOptions{})
	if err != nil || len(items) != 1 || !bytes.Equal(items[0].Data, big) {
		t.Fatalf("get 5 MB: %d items, %v", len(items), err)
	}
}

func TestServerRefusalsAreErrors(t *testing.T) {
	c := newClient(t, remotetest.Spawn(t, "KESTREL_MAX_REQUEST_BYTES=1KB").Addr)
	var refused *client.ServerError
	_, err := c.Put(testContext(t), "small", bytes.Repeat([]byte("x"), 2048))
	if !errors.As(err, &refused) || refused.Code != wire.CodeTooLarge {
		t.Fatalf("put over max_request_bytes: %v", err)
	}
	_, err = c.Put(testContext(t), "bad/name", []byte("x"))
	if !errors.As(err, &refused) || refused.Code != wire.CodeBadQueueName {
		t.Fatalf("put to a bad queue name: %v", err)
	}
	if _, err := c.Get(testContext(t), "small", client.GetOptions{Max: wire.MaxBatch + 1}); err == nil {
		t.Fatal("get of more than MaxBatch items: no error")
	}
	mustPut(t, c, "small", "still serving")
}

func TestStatusVersionAndStats(t *testing.T) {
	srv := remotetest.Spawn(t)
	c := newClient(t, srv.Addr)
	if v, err := c.Version(testContext(t), srv.Addr); err != nil || v == "" {
		t.Fatalf("version: %q %v", v, err)
	}
	if err := c.SetStatus(testContext(t), srv.Addr, client.StatusReadOnly); err != nil {
		t.Fatal(err)
	}
	if st, err := c.Status(testContext(t), srv.Addr); st != client.StatusReadOnly || err != nil {
		t.Fatalf("status: %v %v", st, err)
	}
	_, err := c.Put(testContext(t), "ro", []byte("x"))
	if !errors.Is(err, client.ErrUnavailable) {
		t.Fatalf("put to the only, read-only server: %v", err)
	}
	if err := c.SetStatus(testContext(t), srv.Addr, client.StatusUp); err != nil {
		t.Fatal(err)
	}
	mustPut(t, c, "ro", "x")
	stats, err := c.Stats(testContext(t), srv.Addr)
	if err != nil || len(stats.Global) == 0 || len(stats.Queues) != 1 || stats.Queues[0].Name != "ro" {
		t.Fatalf("stats: %+v %v", stats, err)
	}
}

func TestCredentialsOnServerWithUsers(t *testing.T) {
	srv := remotetest.Spawn(t, "KESTREL_AUTH_USERS__app__PASSWORD=s3cret",
		"KESTREL_AUTH_USERS__ops__PASSWORD=root", "KESTREL_AUTH_USERS__ops__ADMIN=true")
	var refused *client.ServerError
	for _, c := range []*client.Client{newClient(t, srv.Addr), newAuthClient(t, srv.Addr, "app", "wrong")} {
		if _, err := c.Put(testContext(t), "guarded", []byte("x")); !errors.As(err, &refused) || refused.Code != wire.CodeAuth {
			t.Fatalf("put without good credentials: %v", err)
		}
	}
	app := newAuthClient(t, srv.Addr, "app", "s3cret")
	mustPut(t, app, "guarded", "x")
	if err := app.SetStatus(testContext(t), srv.Addr, client.StatusReadOnly); !errors.As(err, &refused) || refused.Code != wire.CodeAuth {
		t.Fatalf("set status as a user who is not an admin: %v", err)
	}
	ops := newAuthClient(t, srv.Addr, "ops", "root")
	if err := ops.SetStatus(testContext(t), srv.Addr, client.StatusUp); err != nil {
		t.Fatalf("set status as an admin: %v", err)
	}
}

func newAuthClient(t *testing.T, addr, user, password string) *client.Client {
	t.Helper()
	c, err := client.New([]string{addr}, client.WithCredentials(user, password))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
