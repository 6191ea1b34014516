package kload

import (
	"bytes"
	"fmt"
	"sync/atomic"
)

// A flood item starts with a fixed-width header naming who sent it, its
// sequence number and when, so the consumer can check delivery and measure
// how long the item spent in the queue:
//
//	"PPPPPP SSSSSSSSSSSS TTTTTTTTTTTTTTTTTT xxxx..."
//
// producer, sequence, nanoseconds since the run began; zero-padded decimal so
// an item stays readable in a queue dump. The rest is 'x', as in Kestrel.
const (
	producerDigits = 6
	seqDigits      = 12
	stampDigits    = 18 // 31 years of nanoseconds, and within parseUint's reach
	itemHeaderLen  = producerDigits + 1 + seqDigits + 1 + stampDigits + 1
)

// newFloodItem returns a buffer of size bytes of padding, ready for
// encodeItem to stamp the header in place for each item sent.
func newFloodItem(size int) []byte {
	return bytes.Repeat([]byte{'x'}, size)
}

// encodeItem writes the header into the front of buf.
func encodeItem(buf []byte, producer, seq int, stamp int64) {
	putDigits(buf[0:producerDigits], uint64(producer))
	buf[producerDigits] = ' '
	s := buf[producerDigits+1:]
	putDigits(s[:seqDigits], uint64(seq))
	s[seqDigits] = ' '
	t := s[seqDigits+1:]
	putDigits(t[:stampDigits], uint64(max(stamp, 0)))
	t[stampDigits] = ' '
}

// putDigits writes v zero-padded into b; higher digits that don't fit are
// dropped, which the widths above make unreachable in practice.
func putDigits(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
}

// decodeItem parses an item's header and checks its padding against pad (a
// fresh newFloodItem of the expected size).
func decodeItem(b, pad []byte) (producer, seq int, stamp int64, err error) {
	if len(b) != len(pad) {
		return 0, 0, 0, fmt.Errorf("item is %d bytes, sent %d", len(b), len(pad))
	}
	fields := [3]int{}
	widths := [3]int{producerDigits, seqDigits, stampDigits}
	rest := b
	for i, w := range widths {
		v, ok := parseUint(rest[:w])
		if !ok || rest[w] != ' ' {
			return 0, 0, 0, fmt.Errorf("item header %q is not one this test sent", b[:itemHeaderLen])
		}
		fields[i], rest = v, rest[w+1:]
	}
	if !bytes.Equal(b[itemHeaderLen:], pad[itemHeaderLen:]) {
		return 0, 0, 0, fmt.Errorf("item %d/%d: body corrupted", fields[0], fields[1])
	}
	return fields[0], fields[1], int64(fields[2]), nil
}

// tracker checks flood's delivery guarantee: every item acknowledged with
// STORED arrives exactly once. Consumers check ordering themselves, since
// order is only defined per consumer.
type tracker struct {
	seen     []*bitset      // per producer, the sequence numbers received
	produced []atomic.Int64 // per producer, items acknowledged STORED
}

// newTracker sizes the bitsets for the most items each producer may send.
func newTracker(perProducer []int) *tracker {
	t := &tracker{seen: make([]*bitset, len(perProducer)), produced: make([]atomic.Int64, len(perProducer))}
	for i, n := range perProducer {
		t.seen[i] = newBitset(n)
	}
	return t
}

// deliver marks an item received.
func (t *tracker) deliver(producer, seq int) error {
	if producer >= len(t.seen) || seq >= t.seen[producer].limit {
		return fmt.Errorf("received item %d/%d that no producer sent", producer, seq)
	}
	if t.seen[producer].set(seq) {
		return fmt.Errorf("received item %d/%d twice", producer, seq)
	}
	return nil
}

// totalProduced sums the items acknowledged so far.
func (t *tracker) totalProduced() int64 {
	var n int64
	for i := range t.produced {
		n += t.produced[i].Load()
	}
	return n
}

// lost reports, per producer, acknowledged items that never arrived. Call it
// once producers and consumers are done.
func (t *tracker) lost() []error {
	var errs []error
	for p, seen := range t.seen {
		n := int(t.produced[p].Load())
		missing, first := 0, -1
		for seq := range n {
			if !seen.has(seq) {
				missing++
				if first < 0 {
					first = seq
				}
			}
		}
		if missing > 0 {
			errs = append(errs, fmt.Errorf("lost %d of %d items from producer %d (first: item %d/%d)", missing, n, p, p, first))
		}
	}
	return errs
}

// chunkBits is the size of a bitset's lazily allocated pieces (8 KiB each).
const chunkBits = 1 << 16

type bitChunk [chunkBits / 64]uint64

// bitset is a fixed-size set of small integers that several goroutines can
// update at once. Its memory is allocated in chunks as bits are set, so a
// --duration run can allow a huge -n without paying for it up front.
type bitset struct {
	limit  int
	chunks []atomic.Pointer[bitChunk]
}

func newBitset(limit int) *bitset {
	return &bitset{limit: limit, chunks: make([]atomic.Pointer[bitChunk], (limit+chunkBits-1)/chunkBits)}
}

// set sets bit i (< limit) and reports whether it was already set.
func (b *bitset) set(i int) bool {
	slot := &b.chunks[i/chunkBits]
	c := slot.Load()
	if c == nil {
		// Whoever loses the race uses the winner's chunk.
		slot.CompareAndSwap(nil, new(bitChunk))
		c = slot.Load()
	}
	word, mask := &c[i%chunkBits/64], uint64(1)<<(i%64)
	return atomic.OrUint64(word, mask)&mask != 0
}

// has reports whether bit i is set.
func (b *bitset) has(i int) bool {
	c := b.chunks[i/chunkBits].Load()
	return c != nil && atomic.LoadUint64(&c[i%chunkBits/64])&(1<<(i%64)) != 0
}
