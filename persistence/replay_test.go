package persistence

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestReplayKestrelJournal replays a journal written byte by byte the way
// Kestrel 2.4 writes and reads it, including the legacy opcodes.
func TestReplayKestrelJournal(t *testing.T) {
	dir := t.TempDir()
	journal := cat(
		[]byte{0x04}, le32(10), // SAVE_XID 10
		[]byte{0x00}, le32(4+3), le32(1700000000), []byte("old"), // ADD, expiry in seconds
		[]byte{0x02}, le32(16+5), le64(1700000000123), le64(0), []byte("hello"), // ADDX
		[]byte{0x03},           // REMOVE_TENTATIVE, no xid
		[]byte{0x09}, le32(11), // REMOVE_TENTATIVE_XID 11
		[]byte{0x05}, le32(11), // UNREMOVE 11
		[]byte{0x07}, le32(12), le32(16+1), le64(5), le64(6), []byte("z"), // ADD_XID 12
		[]byte{0x08}, le32(12), le32(16+2), le64(7), le64(8), []byte("ok"), // CONTINUE 12
		[]byte{0x06}, le32(10), // CONFIRM_REMOVE 10
		[]byte{0x01}, // REMOVE
	)
	writeFile(t, joinPath(dir, "cars"), journal)
	j := openTest(t, dir, "cars", Options{})
	got, rep := replayAll(t, j)
	if len(got) != 10 {
		t.Fatalf("got %d records", len(got))
	}
	got[1].AddTime = 0 // legacy ADD: the time of reading
	want := []Record{
		{Op: OpSaveXid, Xid: 10},
		{Op: OpAdd, Expiry: 1700000000000, Data: []byte("old")},
		{Op: OpAddX, AddTime: 1700000000123, Data: []byte("hello")},
		{Op: OpRemoveTentative},
		{Op: OpRemoveTentativeXid, Xid: 11},
		{Op: OpUnremove, Xid: 11},
		{Op: OpAddXid, Xid: 12, AddTime: 5, Expiry: 6, Data: []byte("z")},
		{Op: OpContinue, Xid: 12, AddTime: 7, Expiry: 8, Data: []byte("ok")},
		{Op: OpConfirmRemove, Xid: 10},
		{Op: OpRemove},
	}
	equalRecords(t, got, want)
	if rep.Bytes != int64(len(journal)) || j.Size() != int64(len(journal)) {
		t.Fatalf("report %+v, Size %d, file %d", rep, j.Size(), len(journal))
	}
}

func TestReplayMissingFileCreatesIt(t *testing.T) {
	j := openTest(t, t.TempDir(), "q", Options{})
	got, rep := replayAll(t, j)
	if len(got) != 0 || rep.Records != 0 {
		t.Fatalf("records from nothing: %+v", rep)
	}
	if !exists(j.Path()) {
		t.Fatal("Replay did not create the current file")
	}
}

// TestReplayTornTail: the tail of an unfinished write is cut off, the file
// truncated, a warning logged, and appends continue after the good part.
func TestReplayTornTail(t *testing.T) {
	dir := t.TempDir()
	good := encode(addx("one", 1), addx("two", 2))
	torn := AppendRecord(nil, addx("three", 3))[:10]
	writeFile(t, joinPath(dir, "q"), cat(good, torn))

	logger, logs := testLogger()
	j := openTest(t, dir, "q", Options{Logger: logger})
	got, rep := replayAll(t, j)
	if strings.Join(dataOf(got), ",") != "one,two" {
		t.Fatalf("replayed %v", dataOf(got))
	}
	if rep.TornBytes != int64(len(torn)) || rep.Corrupt != nil {
		t.Fatalf("report %+v", rep)
	}
	if size := int64(len(readFile(t, j.Path()))); size != int64(len(good)) || j.Size() != size {
		t.Fatalf("file is %d bytes, Size %d, want %d", size, j.Size(), len(good))
	}
	l := logs.String()
	if !strings.Contains(l, "level=WARN") || !strings.Contains(l, "file="+j.Path()) ||
		!strings.Contains(l, "offset="+strconv.Itoa(len(good))) {
		t.Fatalf("log does not name file and offset:\n%s", l)
	}

	j.Append(addx("four", 4))
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	j2 := openTest(t, dir, "q", Options{})
	got, rep = replayAll(t, j2)
	if strings.Join(dataOf(got), ",") != "one,two,four" || rep.TornBytes != 0 {
		t.Fatalf("after reopening: %v %+v", dataOf(got), rep)
	}
}

// TestReplayCorruptMiddle: an unknown opcode in the middle of the current
// file; the part before it is applied and the file moved into corrupt/.
func TestReplayCorruptMiddle(t *testing.T) {
	dir := t.TempDir()
	good := encode(addx("one", 1), Record{Op: OpSaveXid, Xid: 3})
	content := cat(good, []byte{0x7f}, encode(addx("after", 2)))
	writeFile(t, joinPath(dir, "q"), content)

	logger, logs := testLogger()
	j := openTest(t, dir, "q", Options{Logger: logger})
	got, rep := replayAll(t, j)
	if len(got) != 2 || string(got[0].Data) != "one" || got[1].Xid != 3 {
		t.Fatalf("replayed %+v", got)
	}
	if len(rep.Corrupt) != 1 {
		t.Fatalf("report %+v", rep)
	}
	c := rep.Corrupt[0]
	if c.File != j.Path() || c.Offset != int64(len(good)) || c.Reason != "unknown opcode 127" {
		t.Fatalf("corrupt entry %+v", c)
	}
	if filepath.Dir(c.MovedTo) != joinPath(dir, "corrupt") || !strings.HasPrefix(filepath.Base(c.MovedTo), "q.") {
		t.Fatalf("moved to %q", c.MovedTo)
	}
	if !bytes.Equal(readFile(t, c.MovedTo), content) {
		t.Fatal("the moved file is not the original")
	}
	if size := len(readFile(t, j.Path())); size != 0 {
		t.Fatalf("new current file has %d bytes", size)
	}
	l := logs.String()
	for _, want := range []string{"level=ERROR", "file=" + j.Path(), "offset=" + strconv.Itoa(len(good)), "unknown opcode 127"} {
		if !strings.Contains(l, want) {
			t.Fatalf("log lacks %q:\n%s", want, l)
		}
	}
	names, err := QueueNames(dir)
	if err != nil || strings.Join(names, ",") != "q" {
		t.Fatalf("QueueNames %v %v", names, err)
	}
	j.Append(addx("new", 3))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, j.Path()), flushed(addx("new", 3))) {
		t.Fatal("appends did not go to a fresh current file")
	}
}

// TestReplayCorruptRotated: a rotated file is complete by construction, so
// both a bad opcode and a torn end set it aside; later files still replay.
func TestReplayCorruptRotated(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, joinPath(dir, "q.100"), cat(encode(addx("a", 1)), []byte{0x02, 0xff, 0xff, 0xff, 0x7f}))
	writeFile(t, joinPath(dir, "q.200"), cat(encode(addx("b", 1)), []byte{42}))
	writeFile(t, joinPath(dir, "q.300"), encode(addx("c", 1)))
	writeFile(t, joinPath(dir, "q"), encode(addx("d", 1)))
	j := openTest(t, dir, "q", Options{})
	got, rep := replayAll(t, j)
	if strings.Join(dataOf(got), ",") != "a,b,c,d" {
		t.Fatalf("replayed %v", dataOf(got))
	}
	if len(rep.Corrupt) != 2 || rep.Corrupt[0].File != joinPath(dir, "q.100") ||
		rep.Corrupt[0].Reason != "file ends inside a record" || rep.Corrupt[1].File != joinPath(dir, "q.200") {
		t.Fatalf("report %+v", rep)
	}
	if rep.TornBytes != 0 {
		t.Fatalf("torn bytes %d counted for a rotated file", rep.TornBytes)
	}
	if exists(joinPath(dir, "q.100")) || exists(joinPath(dir, "q.200")) || len(listDir(t, joinPath(dir, "corrupt"))) != 2 {
		t.Fatalf("files: %v", listDir(t, dir))
	}
	if want := int64(len(encode(addx("c", 1)))); j.TotalSize() != want+j.Size() {
		t.Fatalf("TotalSize %d, want %d", j.TotalSize(), want+j.Size())
	}
}

// TestReplayOrderAndPacks follows Kestrel: a pack supersedes rotated files
// with a timestamp <= its own (deleting them), then rotated files go in
// timestamp order, then the current file.
func TestReplayOrderAndPacks(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"q.50":       "dead50",
		"q.100":      "dead100",
		"q.100.pack": "pack100",
		"q.999":      "r999",
		"q.3000":     "r3000",
		"q":          "current",
		"q.20.pack":  "deadpack20",
		"q.10":       "dead10",
		"qq":         "other queue",
		"qq.60":      "other queue",
	}
	for name, data := range files {
		writeFile(t, joinPath(dir, name), encode(addx(data, 1)))
	}
	j := openTest(t, dir, "q", Options{})
	got, _ := replayAll(t, j)
	if s := strings.Join(dataOf(got), ","); s != "pack100,r999,r3000,current" {
		t.Fatalf("replay order %s", s)
	}
	if s := strings.Join(listDir(t, dir), " "); s != "q q.100 q.3000 q.999 qq qq.60" {
		t.Fatalf("files after replay: %s", s)
	}
	archived := int64(len(encode(addx("pack100", 1), addx("r999", 1), addx("r3000", 1))))
	if j.TotalSize() != archived+j.Size() {
		t.Fatalf("TotalSize %d", j.TotalSize())
	}
}

func TestReplayTempFilesIgnoredAndDeleted(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, joinPath(dir, "q~~"), []byte{0xff, 0xff})
	writeFile(t, joinPath(dir, "q~~1234"), encode(addx("temp", 1)))
	writeFile(t, joinPath(dir, "q.5~~"), encode(addx("temp", 1)))
	writeFile(t, joinPath(dir, "q"), encode(addx("real", 1)))
	j := openTest(t, dir, "q", Options{})
	if exists(joinPath(dir, "q~~")) || exists(joinPath(dir, "q~~1234")) {
		t.Fatal("Open left temporary files")
	}
	got, rep := replayAll(t, j)
	if s := strings.Join(dataOf(got), ","); s != "real" || rep.Corrupt != nil {
		t.Fatalf("replayed %s, report %+v", s, rep)
	}
}

func TestReplayTwiceRefused(t *testing.T) {
	j := openTest(t, t.TempDir(), "q", Options{})
	replayAll(t, j)
	if _, err := j.Replay(func(Record) {}); err == nil {
		t.Fatal("second Replay succeeded")
	}
}

func TestReplayUnreadableFileIsAnError(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads anything")
	}
	dir := t.TempDir()
	writeFile(t, joinPath(dir, "q"), encode(addx("a", 1)))
	if err := os.Chmod(joinPath(dir, "q"), 0); err != nil {
		t.Fatal(err)
	}
	j := openTest(t, dir, "q", Options{})
	_, err := j.Replay(func(Record) {})
	if err == nil || !strings.Contains(err.Error(), joinPath(dir, "q")) || !errors.Is(err, os.ErrPermission) {
		t.Fatalf("got %v", err)
	}
}
