package memcache

import (
	"bytes"
	"io"
	"reflect"
	"strconv"
	"testing"
	"testing/iotest"
	"time"
)

// fuzzMax is small so that generated sets run into max_request_bytes.
const fuzzMax = 64

// FuzzParser feeds arbitrary streams to the parser. It must never panic,
// never hand out a payload above the limit, give the same requests however
// the reads are cut, and give back what it parsed when that is written out
// again.
func FuzzParser(f *testing.F) {
	f.Add([]byte("get q\r\n"))
	f.Add([]byte(pipelined))
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
		if errString(err) != errString(err2) || !reflect.DeepEqual(whole, bytewise) {
			t.Fatalf("read a byte at a time: %d requests and %v, whole: %d and %v",
				len(bytewise), err2, len(whole), err)
		}
	})
}

// checkRequest asserts what every parsed request promises.
func checkRequest(t *testing.T, req *Request) {
	t.Helper()
	if req.Cmd < CmdGet || req.Cmd > CmdAuth {
		t.Fatalf("command %v", req.Cmd)
	}
	if len(req.Data) > fuzzMax {
		t.Fatalf("payload of %d bytes above the limit %d", len(req.Data), fuzzMax)
	}
	if (req.Cmd == CmdSet) != (req.Data != nil) {
		t.Fatalf("%v with data %q", req.Cmd, req.Data)
	}
	for _, s := range append([]string{req.Key, req.Queue}, req.Args...) {
		if checkName([]byte(s)) != nil || bytes.IndexByte([]byte(s), ' ') >= 0 {
			t.Fatalf("name %q holds a space or control byte", s)
		}
	}
	if req.Cmd != CmdGet {
		return
	}
	if req.Queue == "" || len(req.Key) < len(req.Queue) || req.Key[:len(req.Queue)] != req.Queue {
		t.Fatalf("get queue %q from key %q", req.Queue, req.Key)
	}
	if (req.Peek || req.Abort) && (req.Open || req.Close) || req.Peek && req.Abort {
		t.Fatalf("get options break Kestrel's rules: %+v", *req)
	}
}

// encodeRequest writes req out the way a client would send it.
func encodeRequest(req *Request) []byte {
	b := []byte(req.Cmd.String())
	word := func(s string) { b = append(append(b, ' '), s...) }
	number := func(n int64) { word(strconv.FormatInt(n, 10)) }
	switch req.Cmd {
	case CmdGet, CmdDelete, CmdFlush, CmdFlushExpired:
		word(req.Key)
	case CmdSet:
		word(req.Key)
		number(int64(req.Flags))
		number(req.Exptime)
		number(int64(len(req.Data)))
	case CmdConfirm:
		word(req.Queue)
		number(int64(req.Count))
	case CmdMonitor:
		word(req.Queue)
		number(int64(req.Duration / time.Second))
		if req.Count > 0 {
			number(int64(req.Count))
		}
	}
	for _, a := range req.Args {
		word(a)
	}
	if req.NoReply {
		word("noreply")
	}
	b = append(b, "\r\n"...)
	if req.Cmd == CmdSet {
		b = append(append(b, req.Data...), "\r\n"...)
	}
	return b
}
