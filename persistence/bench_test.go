package persistence

import (
	"strconv"
	"testing"
)

// BenchmarkAppendFlush measures group commit of 1 KiB records without
// fsync: one Flush per batch of the given size.
func BenchmarkAppendFlush(b *testing.B) {
	for _, batch := range []int{1, 64} {
		b.Run("batch="+strconv.Itoa(batch), func(b *testing.B) {
			j, err := Open(b.TempDir(), "q", Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer j.Close()
			if _, err := j.Replay(func(Record) {}); err != nil {
				b.Fatal(err)
			}
			rec := Record{Op: OpAddX, AddTime: 1, Data: make([]byte, 1024)}
			b.SetBytes(int64(encodedLen(rec)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				j.Append(rec)
				if (i+1)%batch == 0 {
					if err := j.Flush(); err != nil {
						b.Fatal(err)
					}
				}
			}
			if err := j.Flush(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
