package netserve

import (
	"io"
	"sync/atomic"
)

// CountingReader adds what it reads to a server-wide byte count
// (bytes_read in stats).
type CountingReader struct {
	R io.Reader
	N *atomic.Int64
}

func (r CountingReader) Read(p []byte) (int, error) {
	n, err := r.R.Read(p)
	r.N.Add(int64(n))
	return n, err
}
