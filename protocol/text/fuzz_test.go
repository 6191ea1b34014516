package text

import (
	"bytes"
	"io"
	"reflect"
	"strconv"
	"testing"
	"testing/iotest"
	"time"

	"github.com/kestrel-go/kestrel/config"
)

// fuzzMax is small so that generated puts run into max_request_bytes, and
// large enough for a put of too many one-byte items to fit under it.
const fuzzMax = 1500

// FuzzParser feeds arbitrary streams to the parser. It must never panic,
// never hand out a put above its limits, give the same requests however
// the reads are cut, and give back what it parsed when that is written out
// again.
func FuzzParser(f *testing.F) {
	f.Add([]byte("put q 100:\r\na\r\nb\r\n\r\nget q 10\r\n"))
	f.Add([]byte("monitor q\nconfirm q 1\npeek q\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		whole, err := parseAll(bytes.NewReader(in), fuzzMax)
		if err == nil {
			t.Fatal("parseAll ended without an error")
		}
		for _, req := range whole {
			checkRequest(t, req)
			again, err := parseAll(bytes.NewReader(encodeRequest(req)), fuzzMax)
			if err != io.EOF || len(again) != 1 || !reflect.DeepEqual(again[0], req) {
				t.Fatalf("%+v did not survive a round trip: %v", *req, err)
			}
		}
		bytewise, err2 := parseAll(iotest.OneByteReader(bytes.NewReader(in)), fuzzMax)
		if err.Error() != err2.Error() || !reflect.DeepEqual(whole, bytewise) {
			t.Fatalf("read a byte at a time: %d requests and %v, whole: %d and %v",
				len(bytewise), err2, len(whole), err)
		}
	})
}

// checkRequest asserts what every parsed request promises.
func checkRequest(t *testing.T, req *Request) {
	t.Helper()
	if req.Cmd < CmdPut || req.Cmd > CmdAuth {
		t.Fatalf("command %v", req.Cmd)
	}
	if req.Queue != "" && config.ValidQueueName(req.Queue) != nil {
		t.Fatalf("%v of invalid queue %q", req.Cmd, req.Queue)
	}
	if len(req.Items) > MaxPutItems {
		t.Fatalf("put of %d items, above %d", len(req.Items), MaxPutItems)
	}
	total := 0
	for _, item := range req.Items {
		if len(item) == 0 || bytes.IndexByte(item, '\n') >= 0 {
			t.Fatalf("item %q is empty or holds a line feed", item)
		}
		total += len(item)
	}
	if total > fuzzMax {
		t.Fatalf("put of %d bytes above the limit %d", total, fuzzMax)
	}
	if req.Timeout < 0 || req.Count < 0 {
		t.Fatalf("negative timeout or count: %+v", *req)
	}
}

// encodeRequest writes req out the way a client would send it.
func encodeRequest(req *Request) []byte {
	b := []byte(req.Cmd.String())
	word := func(s string) { b = append(append(b, ' '), s...) }
	millis := func(d time.Duration) { word(strconv.FormatInt(int64(d/time.Millisecond), 10)) }
	if req.Queue != "" {
		word(req.Queue)
	}
	switch req.Cmd {
	case CmdPut:
		if req.HasExpiry {
			millis(req.Expiry)
		}
		b = append(b, ':')
	case CmdGet, CmdPeek, CmdMonitor:
		if req.Timeout > 0 {
			millis(req.Timeout)
		}
	case CmdConfirm:
		word(strconv.Itoa(req.Count))
	case CmdStatus:
		if req.Status != "" {
			word(req.Status)
		}
	case CmdAuth:
		word(req.User)
		word(req.Password)
	}
	b = append(b, "\r\n"...)
	for _, item := range req.Items {
		b = append(append(b, item...), "\r\n"...)
	}
	if req.Cmd == CmdPut {
		b = append(b, "\r\n"...)
	}
	return b
}
