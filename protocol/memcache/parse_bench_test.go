package memcache

import (
	"strings"
	"testing"
)

// repeatReader replays one byte stream forever, so a benchmark can parse
// many requests through one Parser.
type repeatReader struct {
	data []byte
	off  int
}

func (r *repeatReader) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		c := copy(b[n:], r.data[r.off:])
		n += c
		r.off = (r.off + c) % len(r.data)
	}
	return n, nil
}

func benchmarkParse(b *testing.B, stream string) {
	p := NewParser(&repeatReader{data: []byte(stream)}, testMax)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Next(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSet1K(b *testing.B) {
	benchmarkParse(b, "set work 0 0 1024\r\n"+strings.Repeat("x", 1024)+"\r\n")
}

func BenchmarkParseGet(b *testing.B) {
	benchmarkParse(b, "get work/t=500/open\r\n")
}
