package actors

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/config"
)

func startSystem(t *testing.T, dir string) *System {
	t.Helper()
	cfg := config.Defaults()
	cfg.QueuePath = dir
	sys, err := Start(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = sys.Shutdown(ctx)
	})
	return sys
}

func mustPut(t *testing.T, s *Session, queue, data string) {
	t.Helper()
	if ok, err := s.Put(queue, []byte(data), time.Time{}, true); !ok || err != nil {
		t.Fatalf("put %s: %v %v", queue, ok, err)
	}
}

func mustGet(t *testing.T, s *Session, queue string, how Read, want string) {
	t.Helper()
	data, ok, err := s.Get(queue, how, nil)
	if err != nil || !ok || string(data) != want {
		t.Fatalf("get %s = %q %v %v, want %q", queue, data, ok, err, want)
	}
}

func TestQueueRebuildsFromJournalAfterPanic(t *testing.T) {
	sys := startSystem(t, t.TempDir())
	s := sys.NewSession()
	defer s.Close()
	for i := 0; i < 3; i++ {
		mustPut(t, s, "fragile", fmt.Sprint(i))
	}
	mustGet(t, s, "fragile", Read{}, "0")
	r := s.call(&inspectRequest{requestBase: s.base("fragile"), fn: func(q *queueActor) { panic("injected fault") }})
	if r.kind != replyError {
		t.Fatalf("panicking request answered %v, want an error", r.kind)
	}
	// The restarted queue has what the journal says: items 1 and 2.
	mustGet(t, s, "fragile", Read{}, "1")
	mustGet(t, s, "fragile", Read{}, "2")
	if _, ok, _ := s.Get("fragile", Read{}, nil); ok {
		t.Fatal("queue has more items than its journal")
	}
}

func TestAbortFromDeletedQueueDoesNotTouchItsSuccessor(t *testing.T) {
	sys := startSystem(t, t.TempDir())
	holder, other := sys.NewSession(), sys.NewSession()
	defer other.Close()
	mustPut(t, other, "q", "old")
	mustGet(t, holder, "q", Read{Open: true}, "old")
	if err := other.Delete("q"); err != nil {
		t.Fatal(err)
	}
	// The new queue hands out the same xid to another client.
	mustPut(t, other, "q", "new")
	mustGet(t, other, "q", Read{Open: true}, "new")
	// The holder hangs up: its transaction actor sends the abort of its
	// read of the deleted queue before the connection actor has stopped.
	_ = sys.root.PoisonFuture(holder.conn).Wait()
	var items, open int
	other.call(&inspectRequest{requestBase: other.base("q"), fn: func(q *queueActor) {
		items, open = q.items.len(), len(q.open)
	}})
	if items != 0 || open != 1 {
		t.Fatalf("after the stale abort: %d items, %d open, want 0 and 1", items, open)
	}
}

func TestReadsSettledByID(t *testing.T) {
	sys := startSystem(t, t.TempDir())
	s := sys.NewSession()
	defer s.Close()
	for _, d := range []string{"a", "b", "c"} {
		mustPut(t, s, "ids", d)
	}
	var ids []int32
	for range 2 {
		it, ok, err := s.GetItem("ids", Read{Open: true, MaxOpen: 10}, nil)
		if err != nil || !ok {
			t.Fatalf("open read: %v %v", ok, err)
		}
		ids = append(ids, it.ID)
	}
	if n, err := s.AbortIDs("ids", []int32{ids[1], 9999}); n != 1 || err != nil {
		t.Fatalf("abort b: %d %v", n, err)
	}
	if n, err := s.ConfirmIDs("ids", []int32{ids[0]}); n != 1 || err != nil {
		t.Fatalf("confirm a: %d %v", n, err)
	}
	mustGet(t, s, "ids", Read{}, "b")
	mustGet(t, s, "ids", Read{}, "c")
}

func TestAutoAbortReturnsUnconfirmedRead(t *testing.T) {
	sys := startSystem(t, t.TempDir())
	s, other := sys.NewSession(), sys.NewSession()
	defer s.Close()
	defer other.Close()
	mustPut(t, s, "auto", "x")
	mustGet(t, s, "auto", Read{Open: true, AutoAbort: 100 * time.Millisecond}, "x")
	mustGet(t, other, "auto", Read{Timeout: 5 * time.Second}, "x")
	deadline := time.Now().Add(5 * time.Second)
	for s.OpenReads("auto") != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the aborted read is still counted open")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestDeliveryCountSurvivesJournalRewrite(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Defaults()
	cfg.QueuePath = dir
	cfg.Default.MaxDeliveries = 2
	sys, err := Start(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s := sys.NewSession()
	mustPut(t, s, "q", "bad")
	mustGet(t, s, "q", Read{Open: true}, "bad")
	if ok, err := s.AbortRead("q"); !ok || err != nil {
		t.Fatalf("abort: %v %v", ok, err)
	}
	if err := sys.Compact("q"); err != nil { // the journal is now one ADDX, with its count
		t.Fatal(err)
	}
	s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sys.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	sys, err = Start(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sys.Shutdown(context.Background()) })
	s = sys.NewSession()
	defer s.Close()
	mustGet(t, s, "q", Read{Open: true}, "bad")
	if ok, err := s.AbortRead("q"); !ok || err != nil {
		t.Fatalf("abort: %v %v", ok, err)
	}
	if _, ok, _ := s.Get("q", Read{}, nil); ok {
		t.Fatal("the item came back a second time; max_deliveries is 2")
	}
}
