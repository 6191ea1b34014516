package persistence

import (
	"bytes"
	"strings"
	"testing"
)

func TestRewriteCurrentOnly(t *testing.T) {
	dir := t.TempDir()
	j := openTest(t, dir, "q", Options{Sync: SyncAlways})
	replayAll(t, j)
	for i := range 10 {
		j.Append(addx("old", int64(i)))
	}
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	j.Append(addx("pending", 1)) // flushed by Rewrite before the new file replaces it
	state := []Record{{Op: OpSaveXid, Xid: 7}, {Op: OpAddX, AddTime: 1, Data: []byte("open")}, {Op: OpRemoveTentativeXid, Xid: 7}}
	if err := j.Rewrite(state); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, j.Path()), flushed(state...)) {
		t.Fatal("current file is not exactly the rewritten records")
	}
	if n := int64(len(flushed(state...))); j.Size() != n || j.TotalSize() != n || j.Pending() != 0 {
		t.Fatalf("Size %d TotalSize %d Pending %d, want %d", j.Size(), j.TotalSize(), j.Pending(), n)
	}
	j.Append(addx("after", 2))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(listDir(t, dir), " "); s != "q" {
		t.Fatalf("files %s", s)
	}
	got, _ := replayAll(t, openTest(t, dir, "q", Options{}))
	equalRecords(t, got, append(state, addx("after", 2)))
}

// TestRewriteReplacesRotatedFiles: with rotated files present the new file
// supersedes them too and is the only file left.
func TestRewriteReplacesRotatedFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, joinPath(dir, "q.100"), encode(addx("r1", 1)))
	writeFile(t, joinPath(dir, "q.200"), encode(addx("r2", 1)))
	writeFile(t, joinPath(dir, "q"), encode(addx("cur", 1)))
	j := openTest(t, dir, "q", Options{})
	got, _ := replayAll(t, j)
	if len(got) != 3 {
		t.Fatalf("replayed %d", len(got))
	}
	state := []Record{addx("kept", 5)}
	if err := j.Rewrite(state); err != nil {
		t.Fatal(err)
	}
	if s := strings.Join(listDir(t, dir), " "); s != "q" {
		t.Fatalf("files %s", s)
	}
	if !bytes.Equal(readFile(t, j.Path()), flushed(state...)) {
		t.Fatal("current file is not exactly the rewritten records")
	}
	if n := int64(len(flushed(state...))); j.TotalSize() != n {
		t.Fatalf("TotalSize %d, want %d", j.TotalSize(), n)
	}
	j.Append(addx("after", 6))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ = replayAll(t, openTest(t, dir, "q", Options{}))
	if s := strings.Join(dataOf(got), ","); s != "kept,after" {
		t.Fatalf("replayed %s", s)
	}
}

// TestRewriteInterruptedAfterPack: the state a crash leaves between the
// pack being renamed into place and the cleanup replays to the rewrite.
func TestRewriteInterruptedAfterPack(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, joinPath(dir, "q.100"), encode(addx("r1", 1)))
	writeFile(t, joinPath(dir, "q.200"), encode(addx("cur", 1)))
	writeFile(t, joinPath(dir, "q.200.pack"), encode(addx("kept", 1)))
	got, _ := replayAll(t, openTest(t, dir, "q", Options{}))
	if s := strings.Join(dataOf(got), ","); s != "kept" {
		t.Fatalf("replayed %s", s)
	}
}

func TestRewriteEmpty(t *testing.T) {
	dir := t.TempDir()
	j := openTest(t, dir, "q", Options{})
	replayAll(t, j)
	j.Append(addx("a", 1))
	if err := j.Rewrite(nil); err != nil {
		t.Fatal(err)
	}
	if len(readFile(t, j.Path())) != 0 || j.Size() != 0 {
		t.Fatal("rewrite to nothing left bytes")
	}
}

// TestRewriteFailureKeepsJournal: a temporary file that cannot be written
// leaves the old journal in place and appendable.
func TestRewriteFailureKeepsJournal(t *testing.T) {
	dir := t.TempDir()
	disk := &fakeDisk{}
	j := openTest(t, dir, "q", Options{})
	j.openFile = disk.open
	replayAll(t, j)
	j.Append(addx("a", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	disk.mu.Lock()
	disk.syncErr = errSyncTest
	disk.mu.Unlock()
	err := j.Rewrite([]Record{addx("new", 1)})
	if err == nil || !strings.Contains(err.Error(), "fdatasync "+j.Path()+"~~") {
		t.Fatalf("got %v", err)
	}
	disk.mu.Lock()
	disk.syncErr = nil
	disk.mu.Unlock()
	if s := strings.Join(listDir(t, dir), " "); s != "q" {
		t.Fatalf("files %s", s)
	}
	j.Append(addx("b", 2))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := replayAll(t, openTest(t, dir, "q", Options{}))
	if s := strings.Join(dataOf(got), ","); s != "a,b" {
		t.Fatalf("replayed %s", s)
	}
}

// TestRewriteWithRotatedFailure: when the new file cannot be made durable
// after the current file was rotated away, the old files still replay to
// the queue and appends go on in a fresh current file after them.
func TestRewriteWithRotatedFailure(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, joinPath(dir, "q.100"), encode(addx("r1", 1)))
	disk := &fakeDisk{}
	j := openTest(t, dir, "q", Options{})
	j.openFile = disk.open
	replayAll(t, j)
	j.Append(addx("cur", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	disk.mu.Lock()
	disk.syncErr, disk.syncErrOn = errSyncTest, "~~"
	disk.mu.Unlock()
	if err := j.Rewrite([]Record{addx("new", 1)}); err == nil {
		t.Fatal("Rewrite succeeded")
	}
	want := int64(len(encode(addx("r1", 1))) + len(flushed(addx("cur", 1))))
	if j.Size() != 0 || j.TotalSize() != want {
		t.Fatalf("Size %d TotalSize %d, want 0 and %d", j.Size(), j.TotalSize(), want)
	}
	j.Append(addx("after", 2))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := replayAll(t, openTest(t, dir, "q", Options{}))
	if s := strings.Join(dataOf(got), ","); s != "r1,cur,after" {
		t.Fatalf("replayed %s", s)
	}
}
