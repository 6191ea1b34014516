package persistence

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestOpenCreatesDirAndReadsNothing(t *testing.T) {
	dir := joinPath(t.TempDir(), "a", "b")
	j := openTest(t, dir, "q", Options{})
	if !exists(dir) {
		t.Fatal("dir not created")
	}
	if exists(j.Path()) {
		t.Fatal("Open created the current file")
	}
	if j.Path() != joinPath(dir, "q") {
		t.Fatalf("Path %q", j.Path())
	}
}

func TestOpenRejectsBadNames(t *testing.T) {
	for _, name := range []string{"", "a/b", "a.b", "a~~b", "a~b"} {
		if _, err := Open(t.TempDir(), name, Options{}); err == nil {
			t.Errorf("Open accepted %q", name)
		}
	}
}

func TestAppendFlushReplay(t *testing.T) {
	dir := t.TempDir()
	recs := []Record{
		{Op: OpSaveXid, Xid: 0},
		addx("one", 1),
		addx("two", 2),
		{Op: OpRemoveTentativeXid, Xid: 1},
		{Op: OpConfirmRemove, Xid: 1},
		{Op: OpAddXid, Xid: 9, AddTime: 3, Expiry: 4, Data: []byte("x")},
		{Op: OpContinue, Xid: 9, AddTime: 5, Data: []byte("y")},
		{Op: OpUnremove, Xid: 2},
		{Op: OpRemove},
	}
	j := openTest(t, dir, "q", Options{})
	replayAll(t, j)
	for _, r := range recs {
		j.Append(r)
	}
	want := int64(len(encode(recs...)))
	if j.Pending() != int(want) || j.Size() != want {
		t.Fatalf("Pending %d Size %d, want %d", j.Pending(), j.Size(), want)
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	want = int64(len(flushed(recs...)))
	if j.Pending() != 0 || j.Size() != want || j.TotalSize() != want {
		t.Fatalf("after Flush: Pending %d Size %d TotalSize %d", j.Pending(), j.Size(), j.TotalSize())
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, j.Path()), flushed(recs...)) {
		t.Fatal("file does not hold exactly the appended records")
	}
	j2 := openTest(t, dir, "q", Options{})
	got, rep := replayAll(t, j2)
	equalRecords(t, got, recs)
	if rep.Records != len(recs) || rep.Bytes != want || rep.TornBytes != 0 || rep.Corrupt != nil {
		t.Fatalf("report %+v", rep)
	}
	if j2.Size() != want {
		t.Fatalf("Size after replay %d, want %d", j2.Size(), want)
	}
}

// TestGroupCommit: many appends reach the file in one write.
func TestGroupCommit(t *testing.T) {
	disk := &fakeDisk{}
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncAlways})
	j.openFile = disk.open
	replayAll(t, j)
	for i := range 64 {
		j.Append(addx(strings.Repeat("x", i), int64(i)))
	}
	if w, s := disk.counts(); w != 0 || s != 0 {
		t.Fatalf("Append did I/O: %d writes %d syncs", w, s)
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if w, s := disk.counts(); w != 1 || s != 1 {
		t.Fatalf("Flush: %d writes %d syncs, want 1 and 1", w, s)
	}
}

func TestSyncNeverDoesNotSync(t *testing.T) {
	disk := &fakeDisk{}
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncNever})
	j.openFile = disk.open
	replayAll(t, j)
	j.Append(addx("a", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if w, s := disk.counts(); w != 1 || s != 0 {
		t.Fatalf("%d writes %d syncs, want 1 and 0", w, s)
	}
	if err := j.Sync(); err != nil {
		t.Fatal(err)
	}
	if _, s := disk.counts(); s != 1 {
		t.Fatalf("Sync: %d syncs", s)
	}
}

func TestFlushNothingPendingIsNoOp(t *testing.T) {
	disk := &fakeDisk{}
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncAlways})
	j.openFile = disk.open
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if exists(j.Path()) {
		t.Fatal("Flush with nothing pending created the file")
	}
	replayAll(t, j)
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if w, s := disk.counts(); w != 0 || s != 0 {
		t.Fatalf("%d writes %d syncs, want none", w, s)
	}
}

// TestFlushWithoutReplay: a new queue may append without replaying first.
func TestFlushWithoutReplay(t *testing.T) {
	j := openTest(t, t.TempDir(), "q", Options{})
	j.Append(addx("a", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, j.Path()), flushed(addx("a", 1))) {
		t.Fatal("wrong file contents")
	}
	if _, err := j.Replay(func(Record) {}); err == nil {
		t.Fatal("Replay after appending succeeded")
	}
}

func TestShortWritesRetried(t *testing.T) {
	disk := &fakeDisk{maxWrite: 7}
	j := openTest(t, t.TempDir(), "q", Options{})
	j.openFile = disk.open
	replayAll(t, j)
	recs := []Record{addx("hello world", 1), {Op: OpRemove}, addx("again", 2)}
	for _, r := range recs {
		j.Append(r)
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, j.Path()), flushed(recs...)) {
		t.Fatal("short writes lost bytes")
	}
	if w, _ := disk.counts(); w < 2 {
		t.Fatalf("only %d writes", w)
	}
}

// TestFlushErrorNamesFileAndCutsPartialBatch: a full disk fails the batch,
// the partial bytes are cut off, and the next batch lands where it belongs.
func TestFlushErrorNamesFileAndCutsPartialBatch(t *testing.T) {
	disk := &fakeDisk{}
	dir := t.TempDir()
	j := openTest(t, dir, "q", Options{})
	j.openFile = disk.open
	replayAll(t, j)
	first := addx("first", 1)
	j.Append(first)
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	disk.mu.Lock()
	disk.writeErr, disk.partial = &os.PathError{Op: "write", Path: j.Path(), Err: syscall.ENOSPC}, 3
	disk.mu.Unlock()
	j.Append(addx("lost", 2))
	err := j.Flush()
	want := "journal " + j.Path() + ": write: no space left on device"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatal("error does not wrap ENOSPC")
	}
	if j.Pending() != 0 {
		t.Fatal("failed batch still pending")
	}
	firstLen := int64(len(flushed(first)))
	if len(disk.truncates) != 1 || disk.truncates[0] != firstLen {
		t.Fatalf("truncates %v, want [%d]", disk.truncates, firstLen)
	}
	disk.mu.Lock()
	disk.writeErr = nil
	disk.mu.Unlock()
	third := addx("third", 3)
	j.Append(third)
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, j.Path()), append(flushed(first), flushed(third)...)) {
		t.Fatalf("file % x", readFile(t, j.Path()))
	}
}

// TestFlushRefusedWhenPartialWriteCannotBeCut: appends behind a torn batch
// would be lost at the next replay, so the journal refuses them.
func TestFlushRefusedWhenPartialWriteCannotBeCut(t *testing.T) {
	disk := &fakeDisk{writeErr: syscall.EIO, partial: 2, truncErr: syscall.EIO}
	j := openTest(t, t.TempDir(), "q", Options{})
	j.openFile = disk.open
	replayAll(t, j)
	j.Append(addx("a", 1))
	if err := j.Flush(); err == nil {
		t.Fatal("Flush succeeded")
	}
	disk.mu.Lock()
	disk.writeErr = nil
	disk.mu.Unlock()
	j.Append(addx("b", 2))
	err := j.Flush()
	if err == nil || !strings.Contains(err.Error(), "truncate after failed write") {
		t.Fatalf("got %v, want the journal to stay broken", err)
	}
	if err := j.Rewrite(nil); err != nil {
		t.Fatal(err)
	}
	j.Append(addx("c", 3))
	if err := j.Flush(); err != nil {
		t.Fatalf("after Rewrite: %v", err)
	}
}

func TestSyncAlwaysErrorNamesFile(t *testing.T) {
	disk := &fakeDisk{syncErr: syscall.EIO}
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncAlways})
	j.openFile = disk.open
	replayAll(t, j)
	j.Append(addx("a", 1))
	err := j.Flush()
	if want := "journal " + j.Path() + ": fdatasync: input/output error"; err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}

func TestPeriodicWithoutPeriodSyncsAlways(t *testing.T) {
	disk := &fakeDisk{}
	j := openTest(t, t.TempDir(), "q", Options{Sync: SyncPeriodic})
	j.openFile = disk.open
	replayAll(t, j)
	j.Append(addx("a", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, s := disk.counts(); s != 1 {
		t.Fatalf("%d syncs, want 1", s)
	}
	if j.syncer != nil {
		t.Fatal("syncer started without a period")
	}
}

func TestCloseFlushesAndSyncs(t *testing.T) {
	disk := &fakeDisk{}
	j := openTest(t, t.TempDir(), "q", Options{})
	j.openFile = disk.open
	replayAll(t, j)
	j.Append(addx("a", 1))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if w, s := disk.counts(); w != 1 || s != 1 {
		t.Fatalf("%d writes %d syncs, want 1 and 1", w, s)
	}
	if !bytes.Equal(readFile(t, j.Path()), flushed(addx("a", 1))) {
		t.Fatal("Close lost pending records")
	}
	if err := j.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	j.Append(addx("b", 2))
	if err := j.Flush(); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Fatalf("Flush after Close: %v", err)
	}
}

func TestErase(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, joinPath(dir, "q.100"), encode(addx("a", 1)))
	writeFile(t, joinPath(dir, "q.200.pack"), encode(addx("b", 1)))
	writeFile(t, joinPath(dir, "other"), encode(addx("c", 1)))
	writeFile(t, joinPath(dir, "other.5"), nil)
	j := openTest(t, dir, "q", Options{})
	replayAll(t, j)
	j.Append(addx("d", 1))
	writeFile(t, joinPath(dir, "q~~123"), nil)
	if err := os.Mkdir(joinPath(dir, "corrupt"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, joinPath(dir, "corrupt", "q.1"), nil)
	if err := j.Erase(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(listDir(t, dir), " ")
	if got != "corrupt other other.5" {
		t.Fatalf("after Erase: %s", got)
	}
	if !exists(joinPath(dir, "corrupt", "q.1")) {
		t.Fatal("Erase deleted a file in corrupt/")
	}
}
