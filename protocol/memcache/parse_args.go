package memcache

import (
	"errors"
	"io"
	"math"
	"strconv"
	"time"
)

// parseSet reads "set <key> <flags> <exptime> <bytes> [noreply]" and then
// the payload. The announced size is checked against maxRequestBytes before
// anything is allocated or read, so a lying client costs nothing.
func (p *Parser) parseSet(req *Request, args [][]byte) error {
	if len(args) != 4 && len(args) != 5 {
		return clientError("set takes <key> <flags> <exptime> <bytes> [noreply]")
	}
	if len(args) == 5 {
		if string(args[4]) != "noreply" {
			return clientError("expected noreply, got " + quote(string(args[4])))
		}
		req.NoReply = true
	}
	flags, ok := parseUint(args[1], math.MaxUint32)
	if !ok {
		return clientError("bad flags " + quote(string(args[1])))
	}
	exptime, ok := parseInt64(args[2])
	if !ok {
		return clientError("bad exptime " + quote(string(args[2])))
	}
	size, ok := parseUint(args[3], math.MaxInt)
	if !ok {
		return clientError("bad data chunk length " + quote(string(args[3])))
	}
	if size > uint64(p.maxRequestBytes) {
		return clientError("item of " + strconv.FormatUint(size, 10) +
			" bytes exceeds max_request_bytes " + strconv.Itoa(p.maxRequestBytes))
	}
	if err := setQueue(req, args[0]); err != nil {
		return err
	}
	req.Flags = uint32(flags)
	req.Exptime = exptime
	// The key is a string now, so the line may be overwritten by the read.
	return p.readPayload(req, int(size))
}

// payloadChunk is how much of a set's payload is allocated before its
// bytes arrive; past it the buffer doubles as they do. A client that
// announces a large item and then sends it slowly, or never, holds about
// what it sent, not what it announced.
const payloadChunk = 64 << 10

// readPayload reads exactly size bytes and the \r\n that must follow them.
func (p *Parser) readPayload(req *Request, size int) error {
	data := make([]byte, 0, min(size, payloadChunk))
	for len(data) < size {
		if len(data) == cap(data) {
			data = append(make([]byte, 0, min(size, 2*cap(data))), data...)
		}
		n, err := io.ReadFull(p.r, data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err != nil {
			return midRequest(err)
		}
	}
	req.Data = data
	if _, err := io.ReadFull(p.r, p.trailer[:]); err != nil {
		return midRequest(err)
	}
	if p.trailer != [2]byte{'\r', '\n'} {
		return clientError("bad data chunk")
	}
	return nil
}

// midRequest turns a clean end of stream into an unexpected one: the
// request has begun, so the stream ended too early.
func midRequest(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseGet reads "get <queue>[/option...]". Kestrel fetches from one queue
// per get, so exactly one key is allowed.
func parseGet(req *Request, args [][]byte) error {
	if len(args) != 1 {
		return clientError("get takes exactly one key")
	}
	if err := checkName(args[0]); err != nil {
		return err
	}
	req.Key = string(args[0])
	return parseGetOptions(req)
}

// parseGetOptions splits req.Key into the queue name and its options, then
// applies Kestrel's rules on which options may go together.
func parseGetOptions(req *Request) error {
	rest := req.Key
	i := indexSlash(rest)
	req.Queue, rest = rest[:i], rest[i:]
	for len(rest) > 0 {
		rest = rest[1:] // the '/'
		i = indexSlash(rest)
		if err := applyGetOption(req, rest[:i]); err != nil {
			return err
		}
		rest = rest[i:]
	}
	switch {
	case req.Queue == "":
		return clientError("empty queue name")
	case (req.Peek || req.Abort) && (req.Open || req.Close):
		return clientError("peek and abort cannot be combined with open or close")
	case req.Peek && req.Abort:
		return clientError("peek cannot be combined with abort")
	}
	return nil
}

// indexSlash is the index of the first '/' in s, or len(s).
func indexSlash(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return i
		}
	}
	return len(s)
}

func applyGetOption(req *Request, opt string) error {
	switch opt {
	case "open":
		req.Open = true
	case "close":
		req.Close = true
	case "abort":
		req.Abort = true
	case "peek":
		req.Peek = true
	default:
		if len(opt) < 2 || opt[:2] != "t=" {
			return clientError("unknown option " + quote(opt))
		}
		ms, ok := parseUint(opt[2:], math.MaxInt64/uint64(time.Millisecond))
		if !ok {
			return clientError("bad timeout " + quote(opt))
		}
		req.Timeout = time.Duration(ms) * time.Millisecond
	}
	return nil
}

// parseQueueOnly reads commands that take just a queue name.
func parseQueueOnly(req *Request, args [][]byte) error {
	if len(args) != 1 {
		return clientError(req.Cmd.String() + " takes exactly one queue name")
	}
	return setQueue(req, args[0])
}

// parseConfirm reads "confirm <queue> <count>".
func parseConfirm(req *Request, args [][]byte) error {
	if len(args) != 2 {
		return clientError("confirm takes <queue> <count>")
	}
	count, ok := parseUint(args[1], math.MaxInt)
	if !ok {
		return clientError("bad count " + quote(string(args[1])))
	}
	req.Count = int(count)
	return setQueue(req, args[0])
}

// parseMonitor reads "monitor <queue> <seconds> [max_items]".
func parseMonitor(req *Request, args [][]byte) error {
	if len(args) != 2 && len(args) != 3 {
		return clientError("monitor takes <queue> <seconds> [max_items]")
	}
	secs, ok := parseUint(args[1], math.MaxInt64/uint64(time.Second))
	if !ok {
		return clientError("bad seconds " + quote(string(args[1])))
	}
	req.Duration = time.Duration(secs) * time.Second
	if len(args) == 3 {
		maxItems, ok := parseUint(args[2], math.MaxInt)
		if !ok {
			return clientError("bad max_items " + quote(string(args[2])))
		}
		req.Count = int(maxItems)
	}
	return setQueue(req, args[0])
}

// parseStatus reads "status [new]"; the new status is judged by the server.
func parseStatus(req *Request, args [][]byte) error {
	if len(args) > 1 {
		return clientError("status takes at most one argument")
	}
	if len(args) == 1 {
		if err := checkName(args[0]); err != nil {
			return err
		}
		req.Args = []string{string(args[0])}
	}
	return nil
}

// parseDumpStats reads "dump_stats [queue ...]".
func parseDumpStats(req *Request, args [][]byte) error {
	if len(args) == 0 {
		return nil
	}
	req.Args = make([]string, len(args))
	for i, a := range args {
		if err := checkName(a); err != nil {
			return err
		}
		req.Args[i] = string(a)
	}
	return nil
}

// parseFlushAll reads "flush_all [delay] [noreply]". memcached clients may
// send a delay; Kestrel flushes at once, so the delay is checked and dropped.
func parseFlushAll(req *Request, args [][]byte) error {
	if len(args) > 0 && string(args[len(args)-1]) == "noreply" {
		req.NoReply = true
		args = args[:len(args)-1]
	}
	if len(args) > 1 {
		return clientError("flush_all takes [delay] [noreply]")
	}
	if len(args) == 1 {
		if _, ok := parseUint(args[0], math.MaxInt64); !ok {
			return clientError("bad delay " + quote(string(args[0])))
		}
	}
	return nil
}

// parseAuth reads "auth <user> <password>". The error never repeats what
// was sent: it may be a password.
func parseAuth(req *Request, args [][]byte) error {
	if len(args) != 2 {
		return clientError("auth takes <user> <password>")
	}
	for _, a := range args {
		if checkName(a) != nil {
			return clientError("control byte in auth")
		}
	}
	req.Args = []string{string(args[0]), string(args[1])}
	return nil
}

func parseNoArgs(req *Request, args [][]byte) error {
	if len(args) != 0 {
		return clientError(req.Cmd.String() + " takes no arguments")
	}
	return nil
}

// setQueue sets Queue and Key to name once it is free of control bytes.
func setQueue(req *Request, name []byte) error {
	if err := checkName(name); err != nil {
		return err
	}
	req.Queue = string(name)
	req.Key = req.Queue
	return nil
}

// checkName refuses control bytes. Full queue-name rules live with the
// queues; this keeps bytes that could break a reply line out of the server.
func checkName(name []byte) error {
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			return clientError("control byte in name " + quote(string(name)))
		}
	}
	return nil
}

// parseUint parses plain ASCII digits (no sign, no spaces) into a value of
// at most max. It takes bytes as they lie in the read buffer, so numbers
// cost no allocation.
func parseUint[T string | []byte](b T, max uint64) (uint64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (max-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// parseInt64 parses digits with an optional leading '-'.
func parseInt64(b []byte) (int64, bool) {
	if len(b) > 0 && b[0] == '-' {
		n, ok := parseUint(b[1:], math.MaxInt64+1)
		return int64(-n), ok // -(1<<63) wraps to itself, which is right
	}
	n, ok := parseUint(b, math.MaxInt64)
	return int64(n), ok
}
