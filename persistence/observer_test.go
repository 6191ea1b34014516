package persistence

import (
	"errors"
	"sync"
	"syscall"
	"testing"
	"time"
)

// heard records what an Observer was told.
type heard struct {
	mu                    sync.Mutex
	syncs, packs, failure []error
}

func (h *heard) observer() Observer {
	note := func(list *[]error) func(time.Time, time.Duration, error) {
		return func(start time.Time, d time.Duration, err error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			if start.IsZero() || d < 0 {
				panic("observer told no time")
			}
			*list = append(*list, err)
		}
	}
	return Observer{
		Synced: note(&h.syncs),
		Packed: note(&h.packs),
		WriteFailed: func(err error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.failure = append(h.failure, err)
		},
	}
}

func (h *heard) counts() (syncs, packs, failures int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.syncs), len(h.packs), len(h.failure)
}

func TestObserverHearsFsyncsAndPacks(t *testing.T) {
	h := &heard{}
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncAlways, Observer: h.observer()})
	replayAll(t, j)
	j.Append(addx("a", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := j.Rewrite([]Record{addx("a", 1)}); err != nil {
		t.Fatal(err)
	}
	if syncs, packs, failures := h.counts(); syncs != 1 || packs != 1 || failures != 0 {
		t.Fatalf("told of %d fsyncs, %d packs, %d failures; want 1, 1, 0", syncs, packs, failures)
	}
}

func TestObserverHearsPeriodicFsync(t *testing.T) {
	h := &heard{}
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncPeriodic, SyncPeriod: time.Hour, Observer: h.observer()})
	replayAll(t, j)
	j.Append(addx("a", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	j.periodicSync(j.syncer)
	if syncs, _, _ := h.counts(); syncs != 1 {
		t.Fatalf("told of %d fsyncs, want 1", syncs)
	}
}

func TestObserverHearsFailedWritesAndFsyncs(t *testing.T) {
	h := &heard{}
	disk := &fakeDisk{syncErr: syscall.EIO}
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncAlways, Observer: h.observer()})
	j.openFile = disk.open
	replayAll(t, j)
	j.Append(addx("a", 1))
	err := j.Flush()
	if err == nil {
		t.Fatal("Flush passed a failed fdatasync")
	}
	syncs, _, failures := h.counts()
	if syncs != 1 || failures != 1 || !errors.Is(h.failure[0], syscall.EIO) || !errors.Is(h.syncs[0], syscall.EIO) {
		t.Fatalf("told of fsyncs %v and failures %v; want one EIO each", h.syncs, h.failure)
	}
}
