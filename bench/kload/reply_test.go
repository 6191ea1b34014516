package kload

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// scripted is a connection whose replies are fixed up front and whose
// requests are captured.
type scripted struct {
	io.Reader
	sent bytes.Buffer
}

func (s *scripted) Write(p []byte) (int, error) { return s.sent.Write(p) }

func newScripted(replies string) (*Conn, *scripted) {
	s := &scripted{Reader: strings.NewReader(replies)}
	return NewConn(s), s
}

func TestRequestEncoding(t *testing.T) {
	c, s := newScripted("")
	c.WriteSet("spam", []byte("hello"))
	c.WriteGet("spam", 500)
	c.WriteGet("spam", 0)
	c.WriteFlushQueue("spam")
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "set spam 0 0 5\r\nhello\r\nget spam/t=500\r\nget spam\r\nflush spam\r\n"
	if got := s.sent.String(); got != want {
		t.Fatalf("sent %q, want %q", got, want)
	}
}

func TestReadStored(t *testing.T) {
	cases := []struct {
		reply   string
		wantErr string // "" for success
	}{
		{"STORED\r\n", ""},
		{"NOT_STORED\r\n", `set spam: expected STORED, got "NOT_STORED"`},
		{"SERVER_ERROR out of space\r\n", `set spam: expected STORED, got "SERVER_ERROR out of space"`},
		{"STORED\n", `not terminated by CRLF`},
		{"STOR", `set spam: unexpected EOF`},
		{"", `set spam: connection closed by server`},
	}
	for _, tc := range cases {
		c, _ := newScripted(tc.reply)
		err := c.ReadStored("spam")
		checkErr(t, tc.reply, err, tc.wantErr)
	}
}

func checkErr(t *testing.T, input string, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("%q: unexpected error %v", input, err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("%q: error %v, want one containing %q", input, err, want)
	}
}

func TestReadValue(t *testing.T) {
	cases := []struct {
		reply   string
		want    string
		wantOK  bool
		wantErr string
	}{
		{reply: "END\r\n"},
		{reply: "VALUE spam 0 5\r\nhello\r\nEND\r\n", want: "hello", wantOK: true},
		{reply: "VALUE spam 0 0\r\n\r\nEND\r\n", want: "", wantOK: true},
		{reply: "VALUE spam 0 7\r\nhe\r\nllo\r\nEND\r\n", want: "he\r\nllo", wantOK: true},
		{reply: "VALUE eggs 0 5\r\nhello\r\nEND\r\n", wantErr: `expected END or VALUE spam 0 <bytes>, got "VALUE eggs 0 5"`},
		{reply: "VALUE spam/t=10 0 5\r\nhello\r\nEND\r\n", want: "hello", wantOK: true},
		{reply: "VALUE spammer/t=10 0 5\r\nhello\r\nEND\r\n", wantErr: `got "VALUE spammer/t=10 0 5"`},
		{reply: "VALUE spam 0 x\r\n", wantErr: `got "VALUE spam 0 x"`},
		{reply: "VALUE spam 0\r\n", wantErr: `got "VALUE spam 0"`},
		{reply: "VALUE spam 0 999999999999\r\n", wantErr: `got "VALUE spam 0 999999999999"`},
		{reply: "ERROR\r\n", wantErr: `get spam/t=10: expected END or VALUE spam 0 <bytes>, got "ERROR"`},
		{reply: "VALUE spam 0 5\r\nhelloEND\r\n", wantErr: `got "END"`},
		{reply: "VALUE spam 0 5\r\nhello\r\n\r\n", wantErr: `expected "END\r\n" after the 5-byte value, got ""`},
		{reply: "VALUE spam 0 5\r\nhel", wantErr: "reading 5-byte value: unexpected EOF"},
	}
	for _, tc := range cases {
		c, _ := newScripted(tc.reply)
		value, ok, err := c.ReadValue("spam", 10, nil)
		checkErr(t, tc.reply, err, tc.wantErr)
		if err == nil && (ok != tc.wantOK || string(value) != tc.want) {
			t.Errorf("%q: got %q ok=%v, want %q ok=%v", tc.reply, value, ok, tc.want, tc.wantOK)
		}
	}
}

func TestProtocolErrorIsTyped(t *testing.T) {
	c, _ := newScripted("CLIENT_ERROR bad\r\n")
	var pe *ProtocolError
	if err := c.ReadStored("spam"); !errors.As(err, &pe) || pe.Got != "CLIENT_ERROR bad" {
		t.Fatalf("got %v, want a *ProtocolError carrying the reply", err)
	}
}

func TestSetBatch(t *testing.T) {
	c, s := newScripted("STORED\r\nSTORED\r\nSTORED\r\n")
	var stored []int
	err := c.SetBatch("q", 3, func(i int) []byte { return []byte{'a' + byte(i)} }, func(i int) { stored = append(stored, i) })
	if err != nil {
		t.Fatal(err)
	}
	if want := "set q 0 0 1\r\na\r\nset q 0 0 1\r\nb\r\nset q 0 0 1\r\nc\r\n"; s.sent.String() != want {
		t.Errorf("sent %q, want %q", s.sent.String(), want)
	}
	if len(stored) != 3 || stored[2] != 2 {
		t.Errorf("stored callbacks %v, want [0 1 2]", stored)
	}
}

func TestGetBatch(t *testing.T) {
	c, s := newScripted("VALUE q 0 2\r\nab\r\nEND\r\nEND\r\nVALUE q 0 3\r\ncde\r\nEND\r\n")
	var got []string
	_, err := c.GetBatch("q", 250, 3, nil, func(v []byte, ok bool) {
		got = append(got, map[bool]string{true: string(v), false: "<empty>"}[ok])
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("get q/t=250\r\n", 3); s.sent.String() != want {
		t.Errorf("sent %q, want %q", s.sent.String(), want)
	}
	if strings.Join(got, ",") != "ab,<empty>,cde" {
		t.Errorf("got %v, want [ab <empty> cde]", got)
	}
}

// loop replays the same replies forever, for steady-state allocation checks.
type loop struct {
	data []byte
	off  int
}

func (l *loop) Read(p []byte) (int, error) {
	n := copy(p, l.data[l.off:])
	l.off = (l.off + n) % len(l.data)
	return n, nil
}

func (l *loop) Write(p []byte) (int, error) { return len(p), nil }

// The client must stay out of the way of what it measures: once warm, a set
// or a get must not allocate.
func TestClientDoesNotAllocate(t *testing.T) {
	item := []byte(strings.Repeat("x", 1024))
	set := NewConn(&loop{data: []byte("STORED\r\n")})
	if n := testing.AllocsPerRun(100, func() { _ = set.Set("spam", item) }); n != 0 {
		t.Errorf("Set allocates %.1f times per call", n)
	}
	get := NewConn(&loop{data: []byte("VALUE spam 0 1024\r\n" + string(item) + "\r\nEND\r\nEND\r\n")})
	buf := make([]byte, 1024)
	if n := testing.AllocsPerRun(100, func() { buf, _, _ = get.Get("spam", 500, buf) }); n != 0 {
		t.Errorf("Get allocates %.1f times per call", n)
	}
}
