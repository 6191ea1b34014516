package memcache_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

func TestItemsAndOpenReadsSurviveRestart(t *testing.T) {
	cfg := mt.Config(t)
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	for i := 0; i < 5; i++ {
		c.MustSet("keep", fmt.Sprint(i))
	}
	c.MustGet("keep", "0")
	c.MustGet("keep/open", "1")
	srv.Stop()

	srv = mt.Start(t, cfg)
	c = mt.Dial(t, srv.Addr)
	for _, want := range []string{"1", "2", "3", "4"} {
		c.MustGet("keep", want)
	}
	c.MustBeEmpty("keep")
}

// kestrelRecord builds one record byte by byte, as Kestrel 2.4 lays it out.
type journalBytes struct{ bytes.Buffer }

func (j *journalBytes) op(code byte, ints ...int32) {
	j.WriteByte(code)
	for _, n := range ints {
		_ = binary.Write(&j.Buffer, binary.LittleEndian, n)
	}
}

// item writes an item block: size, add time ms, expiry ms, data.
func (j *journalBytes) item(data string) {
	_ = binary.Write(&j.Buffer, binary.LittleEndian, int32(16+len(data)))
	_ = binary.Write(&j.Buffer, binary.LittleEndian, int64(1_600_000_000_000))
	_ = binary.Write(&j.Buffer, binary.LittleEndian, int64(0))
	j.WriteString(data)
}

func TestHandWrittenKestrelJournalIsServed(t *testing.T) {
	cfg := mt.Config(t)
	var j journalBytes
	j.op(4, 10)           // SAVE_XID 10
	j.op(7, 30)           // ADD_XID 30 (an open read kept over a rewrite)
	j.item("open-before") //
	j.op(9, 30)           // REMOVE_TENTATIVE_XID 30
	j.op(0)               // ADD, the legacy layout: size, expiry seconds, data
	_ = binary.Write(&j.Buffer, binary.LittleEndian, int32(4+len("legacy")))
	_ = binary.Write(&j.Buffer, binary.LittleEndian, int32(0))
	j.WriteString("legacy")
	for _, s := range []string{"a", "b", "c"} {
		j.op(2) // ADDX
		j.item(s)
	}
	j.op(1)     // REMOVE: legacy
	j.op(3)     // REMOVE_TENTATIVE without xid: a
	j.op(9, 40) // REMOVE_TENTATIVE_XID 40: b
	j.op(6, 40) // CONFIRM_REMOVE 40
	j.op(8, 30) // CONTINUE 30: finish open-before, queue "continued"
	j.item("continued")
	if err := os.WriteFile(filepath.Join(cfg.QueuePath, "old"), j.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	// a was open when the journal ended, so it is back at the head.
	for _, want := range []string{"a", "c", "continued"} {
		c.MustGet("old", want)
	}
	c.MustBeEmpty("old")
}

func TestTornJournalTailIsCutOff(t *testing.T) {
	cfg := mt.Config(t)
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("torn", "whole-1")
	c.MustSet("torn", "whole-2")
	srv.Stop()

	// A crash in the middle of writing a third item.
	path := filepath.Join(cfg.QueuePath, "torn")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte{2, 100, 0, 0, 0, 1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	srv = mt.Start(t, cfg)
	c = mt.Dial(t, srv.Addr)
	c.MustGet("torn", "whole-1")
	c.MustSet("torn", "after")
	srv.Stop()

	srv = mt.Start(t, cfg)
	c = mt.Dial(t, srv.Addr)
	c.MustGet("torn", "whole-2")
	c.MustGet("torn", "after")
	c.MustBeEmpty("torn")
}

func TestEmptyQueueJournalStartsOver(t *testing.T) {
	cfg := mt.Config(t)
	cfg.Default.DefaultJournalSize = 4096
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	payload := string(bytes.Repeat([]byte("x"), 1000))
	for i := 0; i < 20; i++ {
		c.MustSet("cycle", payload)
		c.MustGet("cycle", payload)
	}
	info, err := os.Stat(filepath.Join(cfg.QueuePath, "cycle"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() > 4096+2048 {
		t.Fatalf("journal is %d bytes; an empty queue's journal should start over past 4096", info.Size())
	}
	if got := c.Stats()["queue_cycle_journal_rewrites"]; got == "0" {
		t.Fatalf("journal_rewrites = %s", got)
	}
}

func TestKestrelSpoolWithRotatedPackAndTemporaryFiles(t *testing.T) {
	cfg := mt.Config(t)
	file := func(name string, build func(j *journalBytes)) {
		var j journalBytes
		build(&j)
		if err := os.WriteFile(filepath.Join(cfg.QueuePath, name), j.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	addx := func(j *journalBytes, s string) { j.op(2); j.item(s) }
	file("q.100", func(j *journalBytes) { addx(j, "superseded-1"); addx(j, "superseded-2") })
	file("q.150.pack", func(j *journalBytes) { addx(j, "packed") })
	file("q.200", func(j *journalBytes) { addx(j, "rotated") })
	file("q", func(j *journalBytes) { addx(j, "current"); j.op(1) }) // REMOVE takes "packed"
	file("q~~leftover", func(j *journalBytes) { addx(j, "never") })

	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustGet("q", "rotated")
	c.MustGet("q", "current")
	c.MustBeEmpty("q")
	for _, gone := range []string{"q.100", "q.150.pack", "q~~leftover"} {
		if _, err := os.Stat(filepath.Join(cfg.QueuePath, gone)); err == nil {
			t.Errorf("%s still on disk after start", gone)
		}
	}
}

func TestCorruptJournalIsSetAsideAndItsReadablePartServed(t *testing.T) {
	cfg := mt.Config(t)
	var j journalBytes
	j.op(2)
	j.item("readable")
	j.WriteString("\x4d garbage that is no record")
	if err := os.WriteFile(filepath.Join(cfg.QueuePath, "bad"), j.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	if got := c.Stats()["queue_bad_corrupt_journals"]; got != "1" {
		t.Fatalf("corrupt_journals = %q", got)
	}
	c.MustGet("bad", "readable")
	moved, _ := filepath.Glob(filepath.Join(cfg.QueuePath, "corrupt", "bad.*"))
	if len(moved) != 1 {
		t.Fatalf("corrupt file not kept aside in corrupt/: %v", moved)
	}
	c.MustSet("bad", "after")
	srv.Stop()
	srv = mt.Start(t, cfg)
	mt.Dial(t, srv.Addr).MustGet("bad", "after")
}
