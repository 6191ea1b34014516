package text

import "strconv"

// AppendItem appends ":<data>\n". Items are lines in this protocol: one
// stored with a line feed of its own (through memcache, say) is sent as it
// is, as Kestrel did, and breaks the framing of the reply.
func AppendItem(b, data []byte) []byte {
	b = append(b, ':')
	b = append(b, data...)
	return append(b, '\n')
}

// AppendNoItem appends "*\n": nothing came in time, or nothing to peek at.
func AppendNoItem(b []byte) []byte { return append(b, "*\n"...) }

// AppendCount appends "+<n>\n", the success reply.
func AppendCount(b []byte, n int) []byte {
	b = append(b, '+')
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '\n')
}

// AppendError appends "-<reason>\n". Line breaks in reason become spaces:
// a reason may carry text from elsewhere, and a stray line feed would let
// it forge a reply of its own.
func AppendError(b []byte, reason string) []byte {
	b = append(b, '-')
	for i := 0; i < len(reason); i++ {
		c := reason[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return append(b, '\n')
}
