package memcache

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

const testMax = 1 << 20

// parseAll parses input until the first error and returns what it got.
func parseAll(r io.Reader, max int) ([]*Request, error) {
	p := NewParser(r, max)
	var reqs []*Request
	for {
		req, err := p.Next()
		if err != nil {
			return reqs, err
		}
		reqs = append(reqs, req)
	}
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Request
	}{
		{"get", "get q\r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q"}},
		{"gets upper case", "GETS q\r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q"}},
		{"get mixed case", "GeT Q\r\n", Request{Cmd: CmdGet, Queue: "Q", Key: "Q"}},
		{"get bare newline", "get q\n", Request{Cmd: CmdGet, Queue: "q", Key: "q"}},
		{"get extra spaces", "  get   q  \r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q"}},
		{"get timeout open", "get work/t=500/open\r\n", Request{Cmd: CmdGet, Queue: "work", Key: "work/t=500/open", Timeout: 500 * time.Millisecond, Open: true}},
		{"get close open", "get work/close/open\r\n", Request{Cmd: CmdGet, Queue: "work", Key: "work/close/open", Open: true, Close: true}},
		{"get close", "get q/close\r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q/close", Close: true}},
		{"get abort", "get q/abort\r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q/abort", Abort: true}},
		{"get peek", "get q/peek\r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q/peek", Peek: true}},
		{"get peek timeout", "get q/peek/t=10\r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q/peek/t=10", Peek: true, Timeout: 10 * time.Millisecond}},
		{"get abort timeout", "get q/t=1/abort\r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q/t=1/abort", Abort: true, Timeout: time.Millisecond}},
		{"get zero timeout", "get q/t=0\r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q/t=0"}},
		{"get last timeout wins", "get q/t=1/t=2\r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q/t=1/t=2", Timeout: 2 * time.Millisecond}},
		{"get repeated open", "get q/open/open\r\n", Request{Cmd: CmdGet, Queue: "q", Key: "q/open/open", Open: true}},
		{"get fanout name", "get a+b\r\n", Request{Cmd: CmdGet, Queue: "a+b", Key: "a+b"}},
		{"set", "set q 1 2 3\r\nabc\r\n", Request{Cmd: CmdSet, Queue: "q", Key: "q", Flags: 1, Exptime: 2, Data: []byte("abc")}},
		{"set noreply", "set q 0 0 1 noreply\r\nx\r\n", Request{Cmd: CmdSet, Queue: "q", Key: "q", Data: []byte("x"), NoReply: true}},
		{"set negative exptime", "set q 0 -5 1\r\nx\r\n", Request{Cmd: CmdSet, Queue: "q", Key: "q", Exptime: -5, Data: []byte("x")}},
		{"set min exptime", "set q 0 -9223372036854775808 1\r\nx\r\n", Request{Cmd: CmdSet, Queue: "q", Key: "q", Exptime: -1 << 63, Data: []byte("x")}},
		{"set max exptime", "set q 0 9223372036854775807 1\r\nx\r\n", Request{Cmd: CmdSet, Queue: "q", Key: "q", Exptime: 1<<63 - 1, Data: []byte("x")}},
		{"set max flags", "SET q 4294967295 0 1\r\nx\r\n", Request{Cmd: CmdSet, Queue: "q", Key: "q", Flags: 1<<32 - 1, Data: []byte("x")}},
		{"set empty", "set q 0 0 0\r\n\r\n", Request{Cmd: CmdSet, Queue: "q", Key: "q", Data: []byte{}}},
		{"set bare newline line", "set q 0 0 2\nab\r\n", Request{Cmd: CmdSet, Queue: "q", Key: "q", Data: []byte("ab")}},
		{"set binary", "set q 0 0 9\r\n\r\nEND\r\n\x00\xff\r\n", Request{Cmd: CmdSet, Queue: "q", Key: "q", Data: []byte("\r\nEND\r\n\x00\xff")}},
		{"delete", "delete q\r\n", Request{Cmd: CmdDelete, Queue: "q", Key: "q"}},
		{"flush", "flush q\r\n", Request{Cmd: CmdFlush, Queue: "q", Key: "q"}},
		{"flush_expired", "flush_expired q\r\n", Request{Cmd: CmdFlushExpired, Queue: "q", Key: "q"}},
		{"flush_all", "flush_all\r\n", Request{Cmd: CmdFlushAll}},
		{"flush_all delay", "flush_all 10\r\n", Request{Cmd: CmdFlushAll}},
		{"flush_all noreply", "flush_all noreply\r\n", Request{Cmd: CmdFlushAll, NoReply: true}},
		{"flush_all delay noreply", "flush_all 0 noreply\r\n", Request{Cmd: CmdFlushAll, NoReply: true}},
		{"flush_all_expired", "flush_all_expired\r\n", Request{Cmd: CmdFlushAllExpired}},
		{"version", "version\r\n", Request{Cmd: CmdVersion}},
		{"stats", "STATS\r\n", Request{Cmd: CmdStats}},
		{"dump_stats", "dump_stats\r\n", Request{Cmd: CmdDumpStats}},
		{"dump_stats queues", "dump_stats a b\r\n", Request{Cmd: CmdDumpStats, Args: []string{"a", "b"}}},
		{"dump_config", "dump_config\r\n", Request{Cmd: CmdDumpConfig}},
		{"shutdown", "shutdown\r\n", Request{Cmd: CmdShutdown}},
		{"reload", "reload\r\n", Request{Cmd: CmdReload}},
		{"quit", "quit\r\n", Request{Cmd: CmdQuit}},
		{"auth", "auth app s3cret\r\n", Request{Cmd: CmdAuth, Args: []string{"app", "s3cret"}}},
		{"confirm", "confirm q 3\r\n", Request{Cmd: CmdConfirm, Queue: "q", Key: "q", Count: 3}},
		{"confirm zero", "confirm q 0\r\n", Request{Cmd: CmdConfirm, Queue: "q", Key: "q"}},
		{"monitor", "monitor q 10\r\n", Request{Cmd: CmdMonitor, Queue: "q", Key: "q", Duration: 10 * time.Second}},
		{"monitor max_items", "monitor q 10 5\r\n", Request{Cmd: CmdMonitor, Queue: "q", Key: "q", Duration: 10 * time.Second, Count: 5}},
		{"status", "status\r\n", Request{Cmd: CmdStatus}},
		{"status new", "status ReadOnly\r\n", Request{Cmd: CmdStatus, Args: []string{"ReadOnly"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqs, err := parseAll(strings.NewReader(tt.in), testMax)
			if err != io.EOF {
				t.Fatalf("error %v, want io.EOF after one request", err)
			}
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			if !reflect.DeepEqual(*reqs[0], tt.want) {
				t.Errorf("got  %+v\nwant %+v", *reqs[0], tt.want)
			}
		})
	}
}

func TestParseClientErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		reason string // a substring of the ClientError's reason
	}{
		{"empty line", "\r\n", "empty command line"},
		{"blank line", "   \r\n", "empty command line"},
		{"bare empty line", "\n", "empty command line"},
		{"unknown command", "bogus q\r\n", `unknown command "bogus"`},
		{"unknown long command", strings.Repeat("x", 100) + "\r\n", "unknown command"},
		{"tab is no separator", "get\tq\r\n", "unknown command"},

		{"set no args", "set\r\n", "set takes"},
		{"set too few", "set q 0 0\r\n", "set takes"},
		{"set too many", "set q 0 0 1 noreply x\r\n", "set takes"},
		{"set not noreply", "set q 0 0 1 norep\r\nx\r\n", `expected noreply, got "norep"`},
		{"set negative flags", "set q -1 0 1\r\nx\r\n", `bad flags "-1"`},
		{"set huge flags", "set q 4294967296 0 1\r\nx\r\n", "bad flags"},
		{"set word flags", "set q x 0 1\r\nx\r\n", "bad flags"},
		{"set word exptime", "set q 0 soon 1\r\nx\r\n", `bad exptime "soon"`},
		{"set double minus exptime", "set q 0 --1 1\r\nx\r\n", "bad exptime"},
		{"set lone minus exptime", "set q 0 - 1\r\nx\r\n", "bad exptime"},
		{"set plus exptime", "set q 0 +1 1\r\nx\r\n", "bad exptime"},
		{"set overflow exptime", "set q 0 9223372036854775808 1\r\nx\r\n", "bad exptime"},
		{"set underflow exptime", "set q 0 -9223372036854775809 1\r\nx\r\n", "bad exptime"},
		{"set negative length", "set q 0 0 -1\r\n", `bad data chunk length "-1"`},
		{"set word length", "set q 0 0 x\r\n", "bad data chunk length"},
		{"set fraction length", "set q 0 0 1.5\r\n", "bad data chunk length"},
		{"set overflow length", "set q 0 0 99999999999999999999\r\n", "bad data chunk length"},
		{"set too large", "set q 0 0 1048577\r\n", "item of 1048577 bytes exceeds max_request_bytes 1048576"},
		{"set short payload", "set q 0 0 1\r\nxy\r\n", "bad data chunk"},
		{"set bare newline payload", "set q 0 0 1\r\nx\nget q\r\n", "bad data chunk"},
		{"set control byte key", "set q\x01 0 0 1\r\nx\r\n", "control byte in name"},

		{"auth no password", "auth app\r\n", "auth takes <user> <password>"},
		{"auth too many", "auth app pw extra\r\n", "auth takes <user> <password>"},
		{"auth control byte", "auth app p\x01w\r\n", "control byte in auth"},

		{"get no key", "get\r\n", "get takes exactly one key"},
		{"get two keys", "get a b\r\n", "get takes exactly one key"},
		{"get empty queue", "get /open\r\n", "empty queue name"},
		{"get empty queue timeout", "get /t=5\r\n", "empty queue name"},
		{"get unknown option", "get q/bogus\r\n", `unknown option "bogus"`},
		{"get option case", "get q/OPEN\r\n", "unknown option"},
		{"get empty option", "get q//open\r\n", `unknown option ""`},
		{"get trailing slash", "get q/\r\n", `unknown option ""`},
		{"get negative timeout", "get q/t=-1\r\n", `bad timeout "t=-1"`},
		{"get word timeout", "get q/t=x\r\n", "bad timeout"},
		{"get empty timeout", "get q/t=\r\n", "bad timeout"},
		{"get overflow timeout", "get q/t=9223372036854776\r\n", "bad timeout"},
		{"get peek open", "get q/peek/open\r\n", "peek and abort cannot be combined with open or close"},
		{"get peek close", "get q/close/peek\r\n", "peek and abort cannot be combined with open or close"},
		{"get abort open", "get q/abort/open\r\n", "peek and abort cannot be combined with open or close"},
		{"get abort close", "get q/abort/close\r\n", "peek and abort cannot be combined with open or close"},
		{"get peek abort", "get q/peek/abort\r\n", "peek cannot be combined with abort"},
		{"get control byte", "get q\x7f\r\n", "control byte in name"},
		{"get carriage return", "get q\rx\r\n", "control byte in name"},

		{"delete no queue", "delete\r\n", "delete takes exactly one queue name"},
		{"delete two queues", "delete a b\r\n", "delete takes exactly one queue name"},
		{"flush no queue", "flush\r\n", "flush takes exactly one queue name"},
		{"flush_expired two", "flush_expired a b\r\n", "flush_expired takes exactly one queue name"},
		{"flush control byte", "flush q\x00\r\n", "control byte in name"},

		{"confirm no count", "confirm q\r\n", "confirm takes"},
		{"confirm too many", "confirm q 1 2\r\n", "confirm takes"},
		{"confirm negative", "confirm q -1\r\n", `bad count "-1"`},
		{"confirm word", "confirm q x\r\n", "bad count"},

		{"monitor no seconds", "monitor q\r\n", "monitor takes"},
		{"monitor too many", "monitor q 1 2 3\r\n", "monitor takes"},
		{"monitor bad seconds", "monitor q -1\r\n", "bad seconds"},
		{"monitor overflow seconds", "monitor q 9223372037\r\n", "bad seconds"},
		{"monitor bad max_items", "monitor q 1 x\r\n", "bad max_items"},

		{"status two args", "status up down\r\n", "status takes at most one argument"},
		{"status control byte", "status u\x01p\r\n", "control byte in name"},
		{"dump_stats control byte", "dump_stats a b\x1b\r\n", "control byte in name"},

		{"flush_all word", "flush_all soon\r\n", `bad delay "soon"`},
		{"flush_all two delays", "flush_all 1 2\r\n", "flush_all takes"},
		{"flush_all noreply first", "flush_all noreply 1\r\n", "flush_all takes"},
		{"stats arg", "stats items\r\n", "stats takes no arguments"},
		{"version arg", "version 1\r\n", "version takes no arguments"},
		{"flush_all_expired arg", "flush_all_expired q\r\n", "flush_all_expired takes no arguments"},
		{"dump_config arg", "dump_config x\r\n", "dump_config takes no arguments"},
		{"shutdown arg", "shutdown now\r\n", "shutdown takes no arguments"},
		{"reload arg", "reload x\r\n", "reload takes no arguments"},
		{"quit arg", "quit x\r\n", "quit takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqs, err := parseAll(strings.NewReader(tt.in), testMax)
			if len(reqs) != 0 {
				t.Errorf("parsed %+v before the error", *reqs[0])
			}
			var ce *ClientError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v, want a *ClientError", err)
			}
			if !strings.Contains(ce.Reason, tt.reason) {
				t.Errorf("reason %q, want it to contain %q", ce.Reason, tt.reason)
			}
			if strings.ContainsAny(ce.Reason, "\r\n") {
				t.Errorf("reason %q holds a line break", ce.Reason)
			}
		})
	}
}

func TestParseEndOfStream(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int // requests before the error
		want error
	}{
		{"empty", "", 0, io.EOF},
		{"after request", "get q\r\n", 1, io.EOF},
		{"partial line", "get q", 0, io.ErrUnexpectedEOF},
		{"partial second line", "get q\r\nget", 1, io.ErrUnexpectedEOF},
		{"line without newline", "get q\r", 0, io.ErrUnexpectedEOF},
		{"no payload", "set q 0 0 2\r\n", 0, io.ErrUnexpectedEOF},
		{"partial payload", "set q 0 0 5\r\nab", 0, io.ErrUnexpectedEOF},
		{"no trailer", "set q 0 0 2\r\nab", 0, io.ErrUnexpectedEOF},
		{"half trailer", "set q 0 0 2\r\nab\r", 0, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqs, err := parseAll(strings.NewReader(tt.in), testMax)
			if err != tt.want || len(reqs) != tt.n {
				t.Errorf("got %d requests and %v, want %d and %v", len(reqs), err, tt.n, tt.want)
			}
		})
	}
}

func TestParseReadErrorPassesThrough(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("get q\r\nget"), iotest.ErrReader(boom))
	reqs, err := parseAll(r, testMax)
	if len(reqs) != 1 || err != boom {
		t.Errorf("got %d requests and %v, want 1 and %v", len(reqs), err, boom)
	}
}

const pipelined = "set a 0 0 3\r\none\r\n" +
	"get a/t=10/open\r\n" +
	"set b 5 -1 6 noreply\r\nt\r\no\r\n\r\n" +
	"gets a/close\r\n" +
	"confirm a 1\r\n" +
	"dump_stats a b\r\n" +
	"quit\r\n"

func TestParsePipelinedInOrder(t *testing.T) {
	want := []Request{
		{Cmd: CmdSet, Queue: "a", Key: "a", Data: []byte("one")},
		{Cmd: CmdGet, Queue: "a", Key: "a/t=10/open", Timeout: 10 * time.Millisecond, Open: true},
		{Cmd: CmdSet, Queue: "b", Key: "b", Flags: 5, Exptime: -1, NoReply: true, Data: []byte("t\r\no\r\n")},
		{Cmd: CmdGet, Queue: "a", Key: "a/close", Close: true},
		{Cmd: CmdConfirm, Queue: "a", Key: "a", Count: 1},
		{Cmd: CmdDumpStats, Args: []string{"a", "b"}},
		{Cmd: CmdQuit},
	}
	p := NewParser(strings.NewReader(pipelined), testMax)
	for i, w := range want {
		req, err := p.Next()
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if !reflect.DeepEqual(*req, w) {
			t.Errorf("request %d: got %+v, want %+v", i, *req, w)
		}
		if more := i < len(want)-1; (p.Buffered() > 0) != more {
			t.Errorf("request %d: Buffered() = %d, want more input: %v", i, p.Buffered(), more)
		}
	}
	if _, err := p.Next(); err != io.EOF {
		t.Errorf("after the last request: %v, want io.EOF", err)
	}
}

// The same stream must parse the same however the reads are cut.
func TestParseReadBoundaries(t *testing.T) {
	whole, werr := parseAll(strings.NewReader(pipelined), testMax)
	readers := map[string]io.Reader{
		"one byte":  iotest.OneByteReader(strings.NewReader(pipelined)),
		"half":      iotest.HalfReader(strings.NewReader(pipelined)),
		"data+EOF":  iotest.DataErrReader(strings.NewReader(pipelined)),
		"seven":     &chunkReader{r: strings.NewReader(pipelined), n: 7},
		"three-one": io.MultiReader(strings.NewReader(pipelined[:3]), strings.NewReader(pipelined[3:])),
	}
	for name, r := range readers {
		got, err := parseAll(r, testMax)
		if errString(err) != errString(werr) || !reflect.DeepEqual(got, whole) {
			t.Errorf("%s: got %d requests and %v, want %d and %v", name, len(got), err, len(whole), werr)
		}
	}
}

func TestParseDataIsFreshPerRequest(t *testing.T) {
	p := NewParser(strings.NewReader("set q 0 0 3\r\nabc\r\nset q 0 0 3\r\nxyz\r\n"), testMax)
	a, err := p.Next()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Next(); err != nil {
		t.Fatal(err)
	}
	if string(a.Data) != "abc" || cap(a.Data) != 3 {
		t.Errorf("first payload became %q (cap %d) after the second was read", a.Data, cap(a.Data))
	}
}

func TestParseLargePayload(t *testing.T) {
	data := make([]byte, testMax)
	rand.New(rand.NewSource(1)).Read(data)
	copy(data[100:], "\r\nEND\r\n")
	in := "set big 0 0 1048576\r\n" + string(data) + "\r\nget big\r\n"
	reqs, err := parseAll(&chunkReader{r: strings.NewReader(in), n: 1000}, testMax)
	if err != io.EOF || len(reqs) != 2 {
		t.Fatalf("got %d requests and %v, want 2 and io.EOF", len(reqs), err)
	}
	if !bytes.Equal(reqs[0].Data, data) || cap(reqs[0].Data) != testMax {
		t.Errorf("payload differs (len %d, cap %d)", len(reqs[0].Data), cap(reqs[0].Data))
	}
	if reqs[1].Cmd != CmdGet || reqs[1].Queue != "big" {
		t.Errorf("request after the payload: %+v", *reqs[1])
	}
}

func TestParseOversizedSetReadsOnlyTheLine(t *testing.T) {
	const line = "set q 0 0 4000000000\r\n"
	for _, chunk := range []int{1, 100, 1 << 20} {
		r := &countingReader{r: io.MultiReader(strings.NewReader(line), endless('x'))}
		p := NewParser(&chunkReader{r: r, n: chunk}, testMax)
		_, err := p.Next()
		var ce *ClientError
		if !errors.As(err, &ce) || ce.Reason != "item of 4000000000 bytes exceeds max_request_bytes 1048576" {
			t.Fatalf("chunk %d: error %v", chunk, err)
		}
		if used := r.n - int64(p.Buffered()); used != int64(len(line)) {
			t.Errorf("chunk %d: parser used %d bytes, want only the %d of the line", chunk, used, len(line))
		}
		if r.n > readBufferSize {
			t.Errorf("chunk %d: read %d bytes, more than one buffer", chunk, r.n)
		}
	}
}

func TestParseLongLineBoundedRead(t *testing.T) {
	long := strings.Repeat("a", 10_000) + "\r\n"
	for _, chunk := range []int{1, 100, 1 << 20} {
		r := &countingReader{r: io.MultiReader(strings.NewReader(long), endless('b'))}
		p := NewParser(&chunkReader{r: r, n: chunk}, testMax)
		_, err := p.Next()
		var ce *ClientError
		if !errors.As(err, &ce) || ce.Reason != "line too long" {
			t.Fatalf("chunk %d: error %v, want line too long", chunk, err)
		}
		// Reading stops as soon as MaxLineLength+2 bytes are in hand.
		limit := int64(min(MaxLineLength+2+chunk-1, readBufferSize))
		if r.n > limit {
			t.Errorf("chunk %d: read %d bytes, want at most %d", chunk, r.n, limit)
		}
	}
}

func TestParseLineLengthLimit(t *testing.T) {
	// "dump_stats " and queue names padded to exactly n bytes.
	line := func(n int) string {
		s := "dump_stats "
		for len(s) < n {
			s += strings.Repeat("q", min(100, n-len(s))) + " "
		}
		return s[:n]
	}
	for _, end := range []string{"\r\n", "\n"} {
		if _, err := parseAll(strings.NewReader(line(MaxLineLength)+end), testMax); err != io.EOF {
			t.Errorf("%q line of %d bytes: %v, want it accepted", end, MaxLineLength, err)
		}
		_, err := parseAll(strings.NewReader(line(MaxLineLength+1)+end), testMax)
		var ce *ClientError
		if !errors.As(err, &ce) || ce.Reason != "line too long" {
			t.Errorf("%q line of %d bytes: %v, want line too long", end, MaxLineLength+1, err)
		}
	}
}

// A set of the largest allowed size must cost at most twice the payload:
// past payloadChunk the buffer doubles as the bytes arrive.
func TestParseAllocationBound(t *testing.T) {
	in := "set q 0 0 1048576\r\n" + strings.Repeat("z", testMax) + "\r\n"
	p := NewParser(strings.NewReader(in), testMax)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	req, err := p.Next()
	runtime.ReadMemStats(&after)
	if err != nil || len(req.Data) != testMax {
		t.Fatalf("error %v", err)
	}
	if used := after.TotalAlloc - before.TotalAlloc; used > 2*testMax+MaxLineLength+2 {
		t.Errorf("allocated %d bytes for a %d byte payload", used, testMax)
	}
}

// A client that announces a large set and sends little of it holds about
// what it sent, not what it announced.
func TestParseAllocatesAsThePayloadArrives(t *testing.T) {
	const announced = 64 << 20
	in := "set q 0 0 " + strconv.Itoa(announced) + "\r\n" + strings.Repeat("z", 1000)
	p := NewParser(strings.NewReader(in), announced)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := p.Next()
	runtime.ReadMemStats(&after)
	if err != io.ErrUnexpectedEOF {
		t.Fatalf("error %v, want the stream cut mid-request", err)
	}
	if used := after.TotalAlloc - before.TotalAlloc; used > 2*payloadChunk {
		t.Errorf("allocated %d bytes for 1000 bytes of a %d byte payload", used, announced)
	}
}

func TestParseNegativeLimitAllowsOnlyEmptySets(t *testing.T) {
	reqs, err := parseAll(strings.NewReader("set q 0 0 0\r\n\r\nset q 0 0 1\r\nx\r\n"), -1)
	var ce *ClientError
	if len(reqs) != 1 || !errors.As(err, &ce) || ce.Reason != "item of 1 bytes exceeds max_request_bytes 0" {
		t.Errorf("got %d requests and %v", len(reqs), err)
	}
}

func TestCommandString(t *testing.T) {
	for c := CmdGet; c <= CmdAuth; c++ {
		name := c.String()
		got, ok := lookupCommand([]byte(strings.ToUpper(name)))
		if !ok || got != c {
			t.Errorf("%d: name %q looks up as %v", int(c), name, got)
		}
	}
	if s := Command(0).String(); s != "Command(0)" {
		t.Errorf("zero command is %q", s)
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// countingReader counts the bytes its reader handed out.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// chunkReader hands out at most n bytes per Read, as a slow network would.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(b []byte) (int, error) {
	if len(b) > c.n {
		b = b[:c.n]
	}
	return c.r.Read(b)
}

// endless is a stream of one byte without end.
type endless byte

func (e endless) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(e)
	}
	return len(b), nil
}
