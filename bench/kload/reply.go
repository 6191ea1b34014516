package kload

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxValueSize bounds the length a VALUE line may announce, so a corrupt
// header fails as a protocol error instead of a giant allocation.
const maxValueSize = 256 << 20

var valuePrefix = []byte("VALUE ")

// ProtocolError is a reply the server should never have sent: the load test
// can no longer trust the connection.
type ProtocolError struct {
	Request string // what was asked, e.g. "set spam"
	Want    string // what a correct server replies
	Got     string // the offending reply line (or what was read instead)
}

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("%s: expected %s, got %q", e.Request, e.Want, e.Got)
}

// requestErr wraps a transport error with the request it broke.
func requestErr(verb, key string, err error) error {
	if errors.Is(err, io.EOF) {
		err = errors.New("connection closed by server")
	}
	return fmt.Errorf("%s %s: %w", verb, key, err)
}

// readLine returns the next reply line without its CRLF. The slice points into
// the read buffer and is only valid until the next read, which is what keeps
// reply parsing allocation-free.
func (c *Conn) readLine() ([]byte, error) {
	line, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("reply line longer than %d bytes starting %q", bufSize, line[:40])
	}
	if errors.Is(err, io.EOF) && len(line) > 0 {
		return nil, io.ErrUnexpectedEOF // closed mid-reply, not between replies
	}
	if err != nil {
		return nil, err
	}
	if len(line) < 2 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("reply line %q not terminated by CRLF", line)
	}
	return line[:len(line)-2], nil
}

// ReadStored reads the reply to a set.
func (c *Conn) ReadStored(queue string) error {
	line, err := c.readLine()
	if err != nil {
		return requestErr("set", queue, err)
	}
	if string(line) != "STORED" {
		return &ProtocolError{Request: "set " + queue, Want: "STORED", Got: string(line)}
	}
	return nil
}

// ReadEnd reads a bare "END" reply, which Kestrel sends for flush.
func (c *Conn) ReadEnd(verb, queue string) error {
	line, err := c.readLine()
	if err != nil {
		return requestErr(verb, queue, err)
	}
	if string(line) != "END" {
		return &ProtocolError{Request: verb + " " + queue, Want: "END", Got: string(line)}
	}
	return nil
}

// ReadValue reads the reply to a get on queue: either "END" (ok is false) or
// "VALUE <key> <flags> <len>", the data, and "END". Kestrel names the bare
// queue in VALUE; Kestrel-Go echoes the key as sent (with its /t= options),
// as memcache clients expect, so either is accepted. timeoutMs only shapes
// error messages.
func (c *Conn) ReadValue(queue string, timeoutMs int, buf []byte) (value []byte, ok bool, err error) {
	fail := func(want string, got []byte) ([]byte, bool, error) {
		return buf, false, &ProtocolError{Request: "get " + getKey(queue, timeoutMs), Want: want, Got: string(got)}
	}
	line, err := c.readLine()
	if err != nil {
		return buf, false, requestErr("get", getKey(queue, timeoutMs), err)
	}
	if string(line) == "END" {
		return buf, false, nil
	}
	n, valid := parseValueHeader(line, queue)
	if !valid {
		return fail("END or VALUE "+queue+" 0 <bytes>", line)
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(c.r, buf); err != nil {
		return buf, false, requestErr("get", getKey(queue, timeoutMs), fmt.Errorf("reading %d-byte value: %w", n, err))
	}
	for _, want := range []string{"", "END"} {
		line, err := c.readLine()
		if err != nil {
			return buf, false, requestErr("get", getKey(queue, timeoutMs), err)
		}
		if string(line) != want {
			return fail(fmt.Sprintf("%q after the %d-byte value", want+"\r\n", n), line)
		}
	}
	return buf, true, nil
}

// parseValueHeader checks "VALUE <queue> <flags> <bytes>" and returns bytes.
func parseValueHeader(line []byte, queue string) (int, bool) {
	rest, found := bytes.CutPrefix(line, valuePrefix)
	if !found {
		return 0, false
	}
	key, rest, _ := bytes.Cut(rest, []byte{' '})
	flags, size, _ := bytes.Cut(rest, []byte{' '})
	if !bytes.Equal(key, []byte(queue)) && !(bytes.HasPrefix(key, []byte(queue)) && len(key) > len(queue) && key[len(queue)] == '/') {
		return 0, false
	}
	if _, ok := parseUint(flags); !ok {
		return 0, false
	}
	n, ok := parseUint(size)
	if !ok || n > maxValueSize {
		return 0, false
	}
	return n, true
}

// parseUint parses a decimal without the allocation of strconv on a []byte.
// At most 18 digits are accepted, which can't overflow an int64.
func parseUint(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	n := 0
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int(ch-'0')
	}
	return n, true
}
