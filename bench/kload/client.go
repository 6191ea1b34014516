package kload

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"time"
)

// bufSize is the read and write buffer of each connection: big enough that a
// pipelined batch of small requests goes out in one write.
const bufSize = 64 << 10

// Conn is a small memcache-protocol client for Kestrel queues. Each load-test
// client owns one, as in Kestrel's own tests, so it is not safe for concurrent
// use. Requests are built in a reused bufio.Writer and replies parsed out of a
// bufio.Reader without copying, which keeps the client out of the way of the
// numbers it measures.
type Conn struct {
	nc  net.Conn // nil when wrapping a plain io.ReadWriter (unit tests)
	r   *bufio.Reader
	w   *bufio.Writer
	num []byte // scratch for decimal formatting, reused so requests don't allocate

	// IOTimeout bounds each batch (plus any server-side wait a get asked for),
	// so a hung server fails the test instead of stalling it. Zero disables it.
	IOTimeout time.Duration
}

// NewConn wraps an established stream. Deadlines are only applied when rw is a
// net.Conn.
func NewConn(rw io.ReadWriter) *Conn {
	c := &Conn{
		r:   bufio.NewReaderSize(rw, bufSize),
		w:   bufio.NewWriterSize(rw, bufSize),
		num: make([]byte, 0, 20),
	}
	if nc, ok := rw.(net.Conn); ok {
		c.nc = nc
	}
	return c
}

// Dial connects to a server at addr (host:port).
func Dial(addr string, timeout time.Duration) (*Conn, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	return NewConn(nc), nil
}

// Close closes the underlying connection, if there is one.
func (c *Conn) Close() error {
	if c.nc == nil {
		return nil
	}
	return c.nc.Close()
}

// arm sets the deadline for a batch that may legitimately wait up to extra on
// the server side (blocking gets).
func (c *Conn) arm(extra time.Duration) {
	if c.nc != nil && c.IOTimeout > 0 {
		_ = c.nc.SetDeadline(time.Now().Add(c.IOTimeout + extra))
	}
}

// WriteSet buffers "set <queue> 0 0 <len>\r\n<data>\r\n". Write errors are
// sticky in bufio and surface from Flush.
func (c *Conn) WriteSet(queue string, data []byte) {
	c.w.WriteString("set ")
	c.w.WriteString(queue)
	c.w.WriteString(" 0 0 ")
	c.num = strconv.AppendInt(c.num[:0], int64(len(data)), 10)
	c.w.Write(c.num)
	c.w.WriteString("\r\n")
	c.w.Write(data)
	c.w.WriteString("\r\n")
}

// WriteGet buffers "get <queue>[/t=<ms>]\r\n"; timeoutMs <= 0 asks for a
// non-blocking get.
func (c *Conn) WriteGet(queue string, timeoutMs int) {
	c.w.WriteString("get ")
	c.w.WriteString(queue)
	if timeoutMs > 0 {
		c.w.WriteString("/t=")
		c.num = strconv.AppendInt(c.num[:0], int64(timeoutMs), 10)
		c.w.Write(c.num)
	}
	c.w.WriteString("\r\n")
}

// WriteFlushQueue buffers Kestrel's "flush <queue>\r\n", which empties a queue.
func (c *Conn) WriteFlushQueue(queue string) {
	c.w.WriteString("flush ")
	c.w.WriteString(queue)
	c.w.WriteString("\r\n")
}

// Flush sends everything buffered so far.
func (c *Conn) Flush() error {
	return c.w.Flush()
}

// Set enqueues one item and waits for STORED.
func (c *Conn) Set(queue string, data []byte) error {
	c.arm(0)
	c.WriteSet(queue, data)
	if err := c.Flush(); err != nil {
		return requestErr("set", queue, err)
	}
	return c.ReadStored(queue)
}

// Get dequeues one item, waiting up to timeoutMs on the server. ok is false
// when the queue stayed empty. The value is read into buf when it fits, so a
// caller that passes the previous result back reuses one buffer.
func (c *Conn) Get(queue string, timeoutMs int, buf []byte) (value []byte, ok bool, err error) {
	c.arm(waitFor(timeoutMs, 1))
	c.WriteGet(queue, timeoutMs)
	if err := c.Flush(); err != nil {
		return buf, false, requestErr("get", getKey(queue, timeoutMs), err)
	}
	return c.ReadValue(queue, timeoutMs, buf)
}

// FlushQueue empties a queue.
func (c *Conn) FlushQueue(queue string) error {
	c.arm(0)
	c.WriteFlushQueue(queue)
	if err := c.Flush(); err != nil {
		return requestErr("flush", queue, err)
	}
	return c.ReadEnd("flush", queue)
}

// SetBatch writes n sets to queue before reading any reply, the way Kestrel's
// rollup mode loads a server. next supplies item i; its slice is copied into
// the write buffer, so it may be reused. stored, if not nil, runs as each
// STORED arrives, so callers can time replies one by one.
func (c *Conn) SetBatch(queue string, n int, next func(i int) []byte, stored func(i int)) error {
	c.arm(0)
	for i := range n {
		c.WriteSet(queue, next(i))
	}
	if err := c.Flush(); err != nil {
		return requestErr("set", queue, err)
	}
	for i := range n {
		if err := c.ReadStored(queue); err != nil {
			return err
		}
		if stored != nil {
			stored(i)
		}
	}
	return nil
}

// GetBatch writes n gets before reading any reply and hands each reply to
// got (ok is false for an empty queue). The value slice is only valid during
// the call.
func (c *Conn) GetBatch(queue string, timeoutMs, n int, buf []byte, got func(value []byte, ok bool)) ([]byte, error) {
	c.arm(waitFor(timeoutMs, n))
	for range n {
		c.WriteGet(queue, timeoutMs)
	}
	if err := c.Flush(); err != nil {
		return buf, requestErr("get", getKey(queue, timeoutMs), err)
	}
	for range n {
		value, ok, err := c.ReadValue(queue, timeoutMs, buf)
		if err != nil {
			return buf, err
		}
		if ok {
			buf = value
		}
		got(value, ok)
	}
	return buf, nil
}

// waitFor is how long n pipelined gets may wait on the server in the worst
// case: the server answers them one after another, each after its timeout.
func waitFor(timeoutMs, n int) time.Duration {
	if timeoutMs <= 0 {
		return 0
	}
	return time.Duration(timeoutMs) * time.Duration(n) * time.Millisecond
}

// getKey is the key as sent in a get, for error messages only.
func getKey(queue string, timeoutMs int) string {
	if timeoutMs <= 0 {
		return queue
	}
	return queue + "/t=" + strconv.Itoa(timeoutMs)
}
