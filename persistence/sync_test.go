package persistence

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var errSyncTest = errors.New("injected sync failure")

// TestPeriodicSyncer: the syncer fsyncs what was written and stops with
// Close; the check is on its done channel, not on time passing.
func TestPeriodicSyncer(t *testing.T) {
	disk := &fakeDisk{synced: make(chan struct{}, 1)}
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncPeriodic, SyncPeriod: time.Millisecond})
	j.openFile = disk.open
	replayAll(t, j)
	s := j.syncer
	if s == nil {
		t.Fatal("no syncer")
	}
	j.Append(addx("a", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, syncs := disk.counts(); syncs > 1 {
		t.Fatalf("Flush synced under SyncPeriodic")
	}
	select {
	case <-disk.synced:
	case <-time.After(10 * time.Second):
		t.Fatal("the syncer never synced")
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
	default:
		t.Fatal("syncer goroutine still running after Close")
	}
	if j.syncer != nil {
		t.Fatal("syncer not cleared")
	}
}

// TestPeriodicSyncerSkipsCleanFile: nothing written, nothing synced.
func TestPeriodicSyncerSkipsCleanFile(t *testing.T) {
	disk := &fakeDisk{}
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncPeriodic, SyncPeriod: time.Millisecond})
	j.openFile = disk.open
	replayAll(t, j)
	for range 20 {
		j.periodicSync(j.syncer)
	}
	if _, syncs := disk.counts(); syncs != 0 {
		t.Fatalf("%d syncs of a clean file", syncs)
	}
	j.Append(addx("a", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	j.periodicSync(j.syncer)
	j.periodicSync(j.syncer)
	if _, syncs := disk.counts(); syncs < 1 {
		t.Fatal("dirty file not synced")
	}
}

func TestPeriodicSyncerLogsFailureOnce(t *testing.T) {
	disk := &fakeDisk{syncErr: errSyncTest}
	logger, logs := testLogger()
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncPeriodic, SyncPeriod: time.Hour, Logger: logger})
	j.openFile = disk.open
	replayAll(t, j)
	j.Append(addx("a", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		j.periodicSync(j.syncer)
	}
	if n := strings.Count(logs.String(), "periodic fdatasync failed"); n != 1 {
		t.Fatalf("logged %d times:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "file="+j.Path()) {
		t.Fatal("log does not name the file")
	}
	if _, syncs := disk.counts(); syncs != 3 {
		t.Fatalf("%d syncs, want a retry every period", syncs)
	}
	disk.mu.Lock()
	disk.syncErr = nil
	disk.mu.Unlock()
}

// TestPeriodicSyncerBesideWrites runs the syncer hard beside the owner so
// the race detector can see their sharing.
func TestPeriodicSyncerBesideWrites(t *testing.T) {
	dir := t.TempDir()
	j := openTest(t, dir, "q", Options{Sync: SyncPeriodic, SyncPeriod: 50 * time.Microsecond})
	replayAll(t, j)
	for i := range 200 {
		j.Append(addx("x", int64(i)))
		if err := j.Flush(); err != nil {
			t.Fatal(err)
		}
		if i == 100 {
			if err := j.Rewrite(nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := replayAll(t, openTest(t, dir, "q", Options{}))
	if len(got) != 99 {
		t.Fatalf("replayed %d records, want 99", len(got))
	}
}
