package persistence

import (
	"hash/crc32"
)

// Batches we write end in a CHECKSUM record: opcode 17, u32 length, u32
// CRC32C of the length bytes before it (the batch). A length of 0 is a
// mark: it checks nothing and starts the next batch, written where the
// journal reopens a file whose end it did not write. Replay applies a
// batch only once its checksum matches; Kestrel's files, which have none,
// are applied as they are read.

// OpChecksum ends a batch with its checksum.
const OpChecksum Opcode = 17

const checksumLen = 8 // u32 length, u32 crc

const checksumMismatch = "batch checksum mismatch"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendChecksum ends the batch buf[start:] with its CHECKSUM record.
func appendChecksum(buf []byte, start int) []byte {
	n := len(buf) - start
	sum := crc32.Checksum(buf[start:], castagnoli)
	buf = append(buf, byte(OpChecksum))
	buf = le.AppendUint32(buf, uint32(n))
	return le.AppendUint32(buf, sum)
}

// appendMark starts a batch on a file whose end is not ours.
func appendMark(buf []byte) []byte {
	buf = append(buf, byte(OpChecksum))
	buf = le.AppendUint32(buf, 0)
	return le.AppendUint32(buf, 0)
}

// readChecksum reads a CHECKSUM record's fields (unhashed) and checks the
// batch before it. The Record carries the batch length in Xid (0: a mark).
func (r *Reader) readChecksum() (Record, int64, error) {
	p := r.scratch[:checksumLen]
	if _, err := readFullRaw(r, p); err != nil {
		return Record{}, 0, err
	}
	n, sum := int64(le.Uint32(p[0:4])), le.Uint32(p[4:8])
	batch := r.off - r.window
	if n != 0 && r.verify && (n != batch || sum != r.crc) {
		return Record{}, 0, &CorruptError{Offset: r.window, Reason: checksumMismatch}
	}
	r.window, r.crc = r.off+1+checksumLen, 0
	return Record{Op: OpChecksum, Xid: int32(n)}, 1 + checksumLen, nil
}

// hash adds bytes read to the running checksum of the batch.
func (r *Reader) hash(p []byte) { r.crc = crc32.Update(r.crc, castagnoli, p) }
