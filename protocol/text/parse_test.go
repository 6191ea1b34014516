package text

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

const testMax = 1 << 20

// parseAll parses input until the first error and returns what it got.
func parseAll(r io.Reader, maxRequestBytes int) ([]*Request, error) {
	p := NewParser(r, maxRequestBytes)
	var reqs []*Request
	for {
		req, err := p.Next()
		if err != nil {
			return reqs, err
		}
		reqs = append(reqs, req)
	}
}

func items(lines ...string) [][]byte {
	out := make([][]byte, len(lines))
	for i, l := range lines {
		out[i] = []byte(l)
	}
	return out
}

func TestParseValid(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		in   string
		want Request
	}{
		{"put", "put q:\na\nb\n\n", Request{Cmd: CmdPut, Queue: "q", Items: items("a", "b")}},
		{"put crlf", "put q:\r\na\r\n\r\n", Request{Cmd: CmdPut, Queue: "q", Items: items("a")}},
		{"put keeps inner cr", "put q:\na\rb\r\r\n\n", Request{Cmd: CmdPut, Queue: "q", Items: items("a\rb\r")}},
		{"put no items", "put q:\n\n", Request{Cmd: CmdPut, Queue: "q"}},
		{"put expiry", "put q 500:\nx\n\n", Request{Cmd: CmdPut, Queue: "q", Items: items("x"), Expiry: 500 * ms, HasExpiry: true}},
		{"put zero expiry", "put q 0:\nx\n\n", Request{Cmd: CmdPut, Queue: "q", Items: items("x"), HasExpiry: true}},
		{"put negative expiry", "put q -5:\nx\n\n", Request{Cmd: CmdPut, Queue: "q", Items: items("x"), Expiry: -5 * ms, HasExpiry: true}},
		{"put colon apart", "put q :\nx\n\n", Request{Cmd: CmdPut, Queue: "q", Items: items("x")}},
		{"put binary item", "put q:\n\x00\xff:*+-\n\n", Request{Cmd: CmdPut, Queue: "q", Items: items("\x00\xff:*+-")}},
		{"put upper case", "PUT q:\nx\n\n", Request{Cmd: CmdPut, Queue: "q", Items: items("x")}},
		{"get", "get q\n", Request{Cmd: CmdGet, Queue: "q"}},
		{"get crlf and spaces", "  get   q  \r\n", Request{Cmd: CmdGet, Queue: "q"}},
		{"get timeout", "get q 250\n", Request{Cmd: CmdGet, Queue: "q", Timeout: 250 * ms}},
		{"get fanout name", "get a+b\n", Request{Cmd: CmdGet, Queue: "a+b"}},
		{"peek", "PEEK q 1\n", Request{Cmd: CmdPeek, Queue: "q", Timeout: ms}},
		{"monitor", "monitor q\n", Request{Cmd: CmdMonitor, Queue: "q"}},
		{"monitor timeout", "monitor q 1000\n", Request{Cmd: CmdMonitor, Queue: "q", Timeout: time.Second}},
		{"confirm", "confirm q 3\n", Request{Cmd: CmdConfirm, Queue: "q", Count: 3}},
		{"flush", "flush q\n", Request{Cmd: CmdFlush, Queue: "q"}},
		{"delete", "delete q\n", Request{Cmd: CmdDelete, Queue: "q"}},
		{"status", "status\n", Request{Cmd: CmdStatus}},
		{"status set", "status read_only\n", Request{Cmd: CmdStatus, Status: "read_only"}},
		{"version", "version\n", Request{Cmd: CmdVersion}},
		{"shutdown", "shutdown\n", Request{Cmd: CmdShutdown}},
		{"quit", "QUIT\r\n", Request{Cmd: CmdQuit}},
		{"auth", "auth app s3cret\n", Request{Cmd: CmdAuth, User: "app", Password: "s3cret"}},
	}
	for _, tt := range tests {
		got, err := parseAll(strings.NewReader(tt.in), testMax)
		if err != io.EOF || len(got) != 1 {
			t.Errorf("%s: %d requests, %v", tt.name, len(got), err)
			continue
		}
		if !reflect.DeepEqual(*got[0], tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.name, *got[0], tt.want)
		}
	}
}

func TestParseRefused(t *testing.T) {
	tests := []struct{ in, reason string }{
		{"bogus\n", `unknown command "bogus"`},
		{"\n", "empty request line"},
		{"   \r\n", "empty request line"},
		{"get\n", "usage: get <queue> [timeout_ms]"},
		{"get q 1 2\n", "usage: get <queue> [timeout_ms]"},
		{"get q soon\n", `get: bad timeout "soon"`},
		{"get q -1\n", `get: bad timeout "-1"`},
		{"get q 9223372036854776\n", `get: bad timeout "9223372036854776"`},
		{"get q:\n", "only put takes items (a line ending in ':')"},
		{"get a/b\n", `invalid queue name "a/b": contains '/'`},
		{"put q\n", "put must end with ':' (put <queue> [expiry_ms]:)"},
		{"put:\n", "usage: put <queue> [expiry_ms]:"},
		{"put q x:\n", `put: bad expiry "x"`},
		{"confirm q\n", "usage: confirm <queue> <count>"},
		{"confirm q 99999999999\n", `confirm: bad count "99999999999"`},
		{"flush\n", "usage: flush <queue>"},
		{"auth app\n", "usage: auth <user> <password>"},
		{"version 2\n", "usage: version"},
		{"status a b\n", "usage: status [up|read_only|quiescent]"},
		{"get " + strings.Repeat("q", 3000), "request line longer than 2048 bytes"},
	}
	for _, tt := range tests {
		_, err := parseAll(strings.NewReader(tt.in), testMax)
		var ce *ClientError
		if !errors.As(err, &ce) || ce.Reason != tt.reason {
			t.Errorf("%.30q: %v, want client error %q", tt.in, err, tt.reason)
		}
	}
}

func TestParseLineLimit(t *testing.T) {
	at := "peek q" + strings.Repeat(" ", MaxLineLength-len("peek q"))
	for _, end := range []string{"\n", "\r\n"} {
		if reqs, err := parseAll(strings.NewReader(at+end), testMax); err != io.EOF || len(reqs) != 1 {
			t.Errorf("line of %d bytes ending %q: %d requests, %v", len(at), end, len(reqs), err)
		}
		_, err := parseAll(strings.NewReader(at+" "+end), testMax)
		var ce *ClientError
		if !errors.As(err, &ce) {
			t.Errorf("line of %d bytes ending %q: %v, want refused", len(at)+1, end, err)
		}
	}
}

func TestParsePutLimits(t *testing.T) {
	ok := "put q:\n12345\n12345\n\n"
	if reqs, err := parseAll(strings.NewReader(ok), 10); err != io.EOF || len(reqs) != 1 {
		t.Fatalf("put of exactly max bytes: %d requests, %v", len(reqs), err)
	}
	for _, tt := range []struct {
		in     string
		max    int
		reason string
	}{
		{"put q:\n12345\n123456\n\n", 10, "put of more than max_request_bytes (10 bytes)"},
		{"put q:\n12345678901\n\n", 10, "put of more than max_request_bytes (10 bytes)"},
		{"put q:\n" + strings.Repeat("x\n", MaxPutItems+1) + "\n", testMax, "put of more than 1024 items"},
	} {
		_, err := parseAll(strings.NewReader(tt.in), tt.max)
		var ce *ClientError
		if !errors.As(err, &ce) || ce.Reason != tt.reason {
			t.Errorf("%.30q: %v, want %q", tt.in, err, tt.reason)
		}
	}
}

// A put larger than the limit is refused once the limit has passed, without
// reading the rest of it: the reader below never ends.
func TestParseRefusesPutBeforeReadingItAll(t *testing.T) {
	endless := io.MultiReader(strings.NewReader("put q:\n"), infinite('x'))
	_, err := parseAll(endless, 1000)
	var ce *ClientError
	if !errors.As(err, &ce) {
		t.Fatalf("%v, want refused", err)
	}
}

type infinite byte

func (b infinite) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func TestParseEndOfStream(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want error
	}{
		{"", io.EOF},
		{"get q\n", io.EOF},
		{"get q", io.ErrUnexpectedEOF},
		{"put q:\nabc\n", io.ErrUnexpectedEOF},
		{"put q:\nabc", io.ErrUnexpectedEOF},
	} {
		if _, err := parseAll(strings.NewReader(tt.in), testMax); err != tt.want {
			t.Errorf("%q: %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestParseSameWhateverTheReads(t *testing.T) {
	in := "put q 5:\r\nab\ncd\r\n\nget q 10\npeek q\nconfirm q 1\nget " + strings.Repeat("z", 2100)
	whole, err := parseAll(strings.NewReader(in), testMax)
	bytewise, err2 := parseAll(iotest.OneByteReader(strings.NewReader(in)), testMax)
	if !reflect.DeepEqual(whole, bytewise) || err.Error() != err2.Error() {
		t.Fatalf("whole: %d and %v; a byte at a time: %d and %v", len(whole), err, len(bytewise), err2)
	}
	if len(whole) != 4 {
		t.Fatalf("%d requests, want 4", len(whole))
	}
}

func TestParseItemsAreTheirOwn(t *testing.T) {
	p := NewParser(strings.NewReader("put q:\nfirst\n\nput q:\nsecond\n\n"), testMax)
	a, _ := p.Next()
	b, _ := p.Next()
	if !bytes.Equal(a.Items[0], []byte("first")) || !bytes.Equal(b.Items[0], []byte("second")) {
		t.Fatalf("items %q then %q: a later read overwrote an earlier item", a.Items, b.Items)
	}
}

func BenchmarkParseGet(b *testing.B) {
	in := []byte(strings.Repeat("get work 100\n", 1000))
	b.ReportAllocs()
	for b.Loop() {
		p := NewParser(bytes.NewReader(in), testMax)
		for {
			if _, err := p.Next(); err != nil {
				break
			}
		}
	}
}
