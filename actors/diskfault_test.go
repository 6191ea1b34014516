package actors

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/persistence"
)

// fullDisk is a real disk that can be made to refuse writes, as a full one
// does.
type fullDisk struct{ full atomic.Bool }

type fullDiskFile struct {
	persistence.File
	disk *fullDisk
}

func (d *fullDisk) open(path string) (persistence.File, error) {
	f, err := persistence.OpenAppend(path)
	if err != nil {
		return nil, err
	}
	return &fullDiskFile{File: f, disk: d}, nil
}

func (f *fullDiskFile) Write(p []byte) (int, error) {
	if f.disk.full.Load() {
		return 0, syscall.ENOSPC
	}
	return f.File.Write(p)
}

// TestFullDiskRefusesTheBatchAndRecovers: while the disk is full, sets and
// gets answer errors and change nothing; reads that need no write (peek)
// go on; once space returns the queue works again, and a restart finds
// exactly what was acknowledged.
func TestFullDiskRefusesTheBatchAndRecovers(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Defaults()
	cfg.QueuePath = dir
	disk := &fullDisk{}
	sys, err := start(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), disk.open)
	if err != nil {
		t.Fatal(err)
	}
	s := sys.NewSession()
	mustPut(t, s, "q", "a")
	mustPut(t, s, "q", "b")

	disk.full.Store(true)
	if ok, err := s.Put("q", []byte("lost"), time.Time{}, true); ok || err == nil {
		t.Fatalf("put on a full disk: stored=%v err=%v", ok, err)
	}
	if _, _, err := s.Get("q", Read{}, nil); err == nil {
		t.Fatal("get on a full disk (its removal cannot be journaled) succeeded")
	}
	if _, _, err := s.Get("q", Read{Open: true}, nil); err == nil {
		t.Fatal("open read on a full disk succeeded")
	}
	mustGet(t, s, "q", Read{Peek: true}, "a")

	disk.full.Store(false)
	mustPut(t, s, "q", "c")
	mustGet(t, s, "q", Read{}, "a")
	s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := sys.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	sys = startSystem(t, dir)
	s = sys.NewSession()
	defer s.Close()
	mustGet(t, s, "q", Read{}, "b")
	mustGet(t, s, "q", Read{}, "c")
	if _, ok, _ := s.Get("q", Read{}, nil); ok {
		t.Fatal("an item refused on the full disk came back")
	}
}
