package persistence

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
)

func sampleStream() ([]byte, []int64) {
	recs := []Record{
		{Op: OpSaveXid, Xid: 1},
		addx("hello", 10),
		{Op: OpRemoveTentativeXid, Xid: 2},
		{Op: OpContinue, Xid: 2, AddTime: 11, Data: []byte("again")},
		{Op: OpAdd, Expiry: 0, Data: []byte("legacy")},
		{Op: OpRemove},
	}
	var b []byte
	var ends []int64
	for _, r := range recs {
		b = AppendRecord(b, r)
		ends = append(ends, int64(len(b)))
	}
	return b, ends
}

// TestReaderTornEveryPrefix cuts a stream at every byte: a cut on a record
// boundary is a clean end, any other is torn at the last boundary.
func TestReaderTornEveryPrefix(t *testing.T) {
	b, ends := sampleStream()
	for cut := 0; cut <= len(b); cut++ {
		r := NewReader(bytes.NewReader(b[:cut]), int64(cut))
		var err error
		for err == nil {
			_, err = r.Next()
		}
		lastGood := int64(0)
		for _, e := range ends {
			if e <= int64(cut) {
				lastGood = e
			}
		}
		if r.Offset() != lastGood {
			t.Errorf("cut %d: Offset %d, want %d", cut, r.Offset(), lastGood)
		}
		wantTorn := lastGood != int64(cut)
		if wantTorn && !errors.Is(err, ErrTornRecord) {
			t.Errorf("cut %d: %v, want ErrTornRecord", cut, err)
		}
		if !wantTorn && !errors.Is(err, io.EOF) {
			t.Errorf("cut %d: %v, want io.EOF", cut, err)
		}
	}
}

// TestReaderSizeLimitsReading: bytes beyond size are not the reader's.
func TestReaderSizeLimitsReading(t *testing.T) {
	b, ends := sampleStream()
	r := NewReader(bytes.NewReader(b), ends[1])
	for range 2 {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("got %v, want io.EOF", err)
	}
	// A size larger than the bytes there: the stream ends inside a "record".
	r = NewReader(bytes.NewReader(b[:ends[0]]), ends[0]+3)
	r.Next()
	if _, err := r.Next(); !errors.Is(err, ErrTornRecord) {
		t.Fatalf("got %v, want ErrTornRecord", err)
	}
}

func TestReaderCorrupt(t *testing.T) {
	good := AppendRecord(nil, Record{Op: OpSaveXid, Xid: 5})
	off := int64(len(good))
	cases := map[string]struct {
		bad    []byte
		reason string
	}{
		"unknown opcode": {[]byte{10, 0, 0, 0, 0}, "unknown opcode 10"},
		"opcode 0xff":    {[]byte{0xff}, "unknown opcode 255"},
		"short ADDX":     {cat([]byte{2}, le32(15), make([]byte, 15)), "ADDX block of 15 bytes (< 16)"},
		"short ADD_XID":  {cat([]byte{7}, le32(1), le32(0)), "ADD_XID block of 0 bytes (< 16)"},
		"short CONTINUE": {cat([]byte{8}, le32(1), le32(-5)), "CONTINUE block of -5 bytes (< 16)"},
		"short ADD":      {cat([]byte{0}, le32(3), []byte{1, 2, 3}), "ADD block of 3 bytes (< 4)"},
		"negative ADDX":  {cat([]byte{2}, le32(-1)), "ADDX block of -1 bytes (< 16)"},
	}
	for name, c := range cases {
		b := cat(good, c.bad, good)
		r := NewReader(bytes.NewReader(b), int64(len(b)))
		if _, err := r.Next(); err != nil {
			t.Fatalf("%s: first record: %v", name, err)
		}
		_, err := r.Next()
		var ce *CorruptError
		if !errors.As(err, &ce) {
			t.Errorf("%s: got %v, want *CorruptError", name, err)
			continue
		}
		if ce.Offset != off || ce.Reason != c.reason {
			t.Errorf("%s: got offset %d reason %q, want %d %q", name, ce.Offset, ce.Reason, off, c.reason)
		}
		if r.Offset() != off {
			t.Errorf("%s: Offset %d, want %d", name, r.Offset(), off)
		}
		if _, again := r.Next(); again != err {
			t.Errorf("%s: error is not sticky: %v", name, again)
		}
	}
}

// TestReaderHugeSizeNotAllocated: a size field of 0x7fffffff with a few
// bytes behind it is refused as torn without allocating 2 GiB.
func TestReaderHugeSizeNotAllocated(t *testing.T) {
	for _, op := range []byte{0, 2, 7, 8} {
		b := []byte{op}
		if op == 7 || op == 8 {
			b = append(b, le32(1)...)
		}
		b = cat(b, []byte{0xff, 0xff, 0xff, 0x7f}, make([]byte, 32))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := NewReader(bytes.NewReader(b), int64(len(b)))
		_, err := r.Next()
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTornRecord) {
			t.Errorf("opcode %d: got %v, want ErrTornRecord", op, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("opcode %d: reading allocated %d bytes", op, grew)
		}
		if r.Offset() != 0 {
			t.Errorf("opcode %d: Offset %d, want 0", op, r.Offset())
		}
	}
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

func TestReaderPassesReadErrors(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(failingReader{boom}, 10)
	_, err := r.Next()
	if !errors.Is(err, boom) || errors.Is(err, ErrTornRecord) {
		t.Fatalf("got %v, want the read error", err)
	}
}

func TestReaderEmpty(t *testing.T) {
	r := NewReader(bytes.NewReader(nil), 0)
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("got %v, want io.EOF", err)
	}
}
