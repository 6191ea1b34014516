package persistence

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"
)

// readBufferSize bounds the read-ahead buffer: large enough to make replay
// of small records cheap, small enough not to matter per queue.
const readBufferSize = 64 << 10

// Reader decodes records from one journal file's bytes.
type Reader struct {
	br      *bufio.Reader
	size    int64 // bytes the caller said are available
	off     int64 // start of the next record
	err     error // sticky: once a record is bad, so is everything after it
	scratch [xidLen + sizeLen + itemHeadLen]byte
	verify  bool   // check batch checksums (see checksum.go)
	window  int64  // start of the batch being read
	crc     uint32 // CRC32C of the batch so far
	now     func() time.Time
}

// NewReader returns a Reader over the first size bytes of r. A record that
// claims more bytes than remain of size is reported as torn; nothing is
// ever allocated beyond what size allows.
func NewReader(r io.Reader, size int64) *Reader {
	return newReader(r, size, true)
}

// newReader is NewReader; verify false reads from the middle of a batch
// (read-behind), where no checksum can be checked.
func newReader(r io.Reader, size int64, verify bool) *Reader {
	buf := int(min(max(size, 16), readBufferSize))
	return &Reader{
		br:     bufio.NewReaderSize(io.LimitReader(r, max(size, 0)), buf),
		size:   max(size, 0),
		verify: verify,
		now:    time.Now,
	}
}

// Offset is the offset of the start of the next record, which is also the
// end of the last good one. After an error it stays at the start of the
// record that failed.
func (r *Reader) Offset() int64 { return r.off }

// Next returns the next record. It returns io.EOF at a clean end,
// ErrTornRecord when the bytes end inside a record, and a *CorruptError for
// an unknown opcode or an impossible block size. Errors are sticky.
//
// The legacy ADD carries no add time; as in Kestrel, its AddTime is the
// time it was read.
func (r *Reader) Next() (Record, error) {
	if r.err != nil {
		return Record{}, r.err
	}
	rec, n, err := r.next()
	if err != nil {
		r.err = err
		return Record{}, err
	}
	r.off += n
	return rec, nil
}

func (r *Reader) next() (Record, int64, error) {
	if r.off >= r.size {
		return Record{}, 0, io.EOF
	}
	b, err := r.br.ReadByte()
	if err != nil {
		return Record{}, 0, r.readErr(err)
	}
	rec := Record{Op: Opcode(b)}
	if rec.Op == OpChecksum {
		return r.readChecksum()
	}
	r.hash([]byte{b})
	switch rec.Op {
	case OpRemove, OpRemoveTentative:
		return rec, 1, nil
	case OpSaveXid, OpUnremove, OpConfirmRemove, OpRemoveTentativeXid, OpDeliveries:
		rec.Xid, err = r.readXid()
		return rec, 1 + xidLen, err
	case OpAdd:
		return r.readOldAdd(rec)
	case OpAddX:
		return r.readItem(rec, 1)
	case OpAddXid, OpContinue:
		if rec.Xid, err = r.readXid(); err != nil {
			return Record{}, 0, err
		}
		return r.readItem(rec, 1+xidLen)
	}
	return Record{}, 0, r.corrupt("unknown opcode %d", b)
}

func (r *Reader) readXid() (int32, error) {
	p := r.scratch[:xidLen]
	if err := r.readFull(p); err != nil {
		return 0, err
	}
	return int32(le.Uint32(p)), nil
}

// readItem reads the ADDX block that ADDX, ADD_XID and CONTINUE share;
// head is the number of bytes of the record already consumed.
func (r *Reader) readItem(rec Record, head int64) (Record, int64, error) {
	n, err := r.readBlockSize(rec.Op, head, itemHeadLen)
	if err != nil {
		return Record{}, 0, err
	}
	p := r.scratch[:itemHeadLen]
	if err := r.readFull(p); err != nil {
		return Record{}, 0, err
	}
	rec.AddTime = int64(le.Uint64(p[0:8]))
	rec.Expiry = int64(le.Uint64(p[8:16]))
	if rec.Data, err = r.readData(n - itemHeadLen); err != nil {
		return Record{}, 0, err
	}
	return rec, head + sizeLen + n, nil
}

func (r *Reader) readOldAdd(rec Record) (Record, int64, error) {
	n, err := r.readBlockSize(rec.Op, 1, oldAddHeadLn)
	if err != nil {
		return Record{}, 0, err
	}
	p := r.scratch[:oldAddHeadLn]
	if err := r.readFull(p); err != nil {
		return Record{}, 0, err
	}
	rec.Expiry = int64(int32(le.Uint32(p))) * msPerSecond
	rec.AddTime = r.now().UnixMilli()
	if rec.Data, err = r.readData(n - oldAddHeadLn); err != nil {
		return Record{}, 0, err
	}
	return rec, 1 + sizeLen + n, nil
}

// readBlockSize reads an i32 size field and checks it before anything is
// allocated: below minimum is corrupt, beyond the remaining bytes is torn.
func (r *Reader) readBlockSize(op Opcode, head, minimum int64) (int64, error) {
	p := r.scratch[:sizeLen]
	if err := r.readFull(p); err != nil {
		return 0, err
	}
	n := int64(int32(le.Uint32(p)))
	if n < minimum {
		return 0, r.corrupt("%v block of %d bytes (< %d)", op, n, minimum)
	}
	if n > r.size-r.off-head-sizeLen {
		return 0, ErrTornRecord
	}
	return n, nil
}

func (r *Reader) readData(n int64) ([]byte, error) {
	data := make([]byte, n)
	if err := r.readFull(data); err != nil {
		return nil, err
	}
	return data, nil
}

func (r *Reader) readFull(p []byte) error {
	if _, err := readFullRaw(r, p); err != nil {
		return err
	}
	r.hash(p)
	return nil
}

// readFullRaw reads without adding to the batch checksum.
func readFullRaw(r *Reader, p []byte) (int, error) {
	n, err := io.ReadFull(r.br, p)
	if err != nil {
		return n, r.readErr(err)
	}
	return n, nil
}

// readErr maps running out of bytes inside a record to ErrTornRecord and
// keeps real read errors, with the offset of the record they hit.
func (r *Reader) readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTornRecord
	}
	return fmt.Errorf("read at offset %d: %w", r.off, err)
}

func (r *Reader) corrupt(format string, args ...any) error {
	return &CorruptError{Offset: r.off, Reason: fmt.Sprintf(format, args...)}
}
