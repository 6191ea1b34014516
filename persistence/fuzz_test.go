package persistence

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"testing"
)

// FuzzReader feeds arbitrary bytes to Reader: it must never panic, must end
// with io.EOF, ErrTornRecord or a *CorruptError, must account for every
// byte it accepted, and must not allocate much beyond the input's size.
func FuzzReader(f *testing.F) {
	b, _ := sampleStream()
	f.Add(b)
	f.Add([]byte{})
	f.Add([]byte{2, 0xff, 0xff, 0xff, 0x7f, 0})
	f.Add([]byte{9, 1})
	f.Add(AppendRecord(nil, Record{Op: OpAddXid, Xid: 1, Data: []byte("x")}))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := NewReader(bytes.NewReader(data), int64(len(data)))
		var accepted int64
		var err error
		for err == nil {
			var rec Record
			rec, err = r.Next()
			if err == nil {
				n := int64(encodedLen(rec))
				if rec.Op == OpRemoveTentative {
					n = 1
				}
				accepted += n
				if rec.Op > OpRemoveTentativeXid && rec.Op != OpDeliveries && rec.Op != OpChecksum {
					t.Fatalf("returned unknown opcode %d", rec.Op)
				}
			}
		}
		runtime.ReadMemStats(&after)
		var ce *CorruptError
		if !errors.Is(err, io.EOF) && !errors.Is(err, ErrTornRecord) && !errors.As(err, &ce) {
			t.Fatalf("unexpected error %v", err)
		}
		if accepted != r.Offset() || r.Offset() > int64(len(data)) {
			t.Fatalf("accepted %d bytes, Offset %d, input %d", accepted, r.Offset(), len(data))
		}
		if errors.Is(err, io.EOF) && r.Offset() != int64(len(data)) {
			t.Fatalf("clean end at %d of %d bytes", r.Offset(), len(data))
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20+4*uint64(len(data)) {
			t.Fatalf("allocated %d bytes for %d bytes of input", grew, len(data))
		}
	})
}
