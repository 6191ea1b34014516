package wire

import (
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// FuzzDecode: whatever a peer sends inside an envelope decodes to some
// message (a Malformed at worst) without panicking.
func FuzzDecode(f *testing.F) {
	for name, newMsg := range constructors {
		data, _ := msgpack.Marshal(newMsg())
		f.Add(name, data)
	}
	f.Add("put", []byte("\x81\xa5items\xdd\xff\xff\xff\xff"))
	f.Add("nope", []byte{0xc1})
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		if m := Decode(typ, data); m == nil || m.Head() == nil {
			t.Fatalf("Decode(%q, %x) gave no message", typ, data)
		}
	})
}
