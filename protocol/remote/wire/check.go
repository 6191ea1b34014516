package wire

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// maxDepth bounds how deeply a message's values nest; ours nest 3 deep.
const maxDepth = 16

var errTooDeep = errors.New("values nested too deeply")

// checkLengths walks msgpack data and refuses an array or map that claims
// more elements than there are bytes left. msgpack v5.4.1 allocates an
// array's claimed length before reading it (its allocation limit is never
// applied to slices), so without this a 15-byte message claiming four
// billion items would exhaust the server's memory.
func checkLengths(data []byte) error {
	r := bytes.NewReader(data)
	d := msgpack.NewDecoder(r) // reads r directly: r.Len() is what is left
	for r.Len() > 0 {
		if err := checkValue(d, r, 0); err != nil {
			return err
		}
	}
	return nil
}

func checkValue(d *msgpack.Decoder, r *bytes.Reader, depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	c, err := d.PeekCode()
	if err != nil {
		return err
	}
	switch {
	case msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32:
		n, err := d.DecodeArrayLen()
		if err != nil {
			return err
		}
		return checkElements(d, r, n, depth)
	case msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32:
		n, err := d.DecodeMapLen()
		if err != nil {
			return err
		}
		return checkElements(d, r, 2*n, depth)
	case msgpcode.IsString(c) || msgpcode.IsBin(c):
		// Skipped without reading: Skip would copy the bytes out.
		n, err := d.DecodeBytesLen()
		if err == nil && n > r.Len() {
			err = io.ErrUnexpectedEOF
		}
		if err == nil {
			_, err = r.Seek(int64(n), io.SeekCurrent)
		}
		return err
	}
	return d.Skip()
}

// checkElements checks the n values of an array or map: each takes at
// least a byte.
func checkElements(d *msgpack.Decoder, r *bytes.Reader, n, depth int) error {
	if n > r.Len() {
		return fmt.Errorf("an array or map claims %d values with %d bytes left", n, r.Len())
	}
	for range n {
		if err := checkValue(d, r, depth+1); err != nil {
			return err
		}
	}
	return nil
}
