package kload

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeKestrel is an in-memory queue server speaking the part of Kestrel's
// memcache protocol kload uses, so the tests can run whole load tests without
// a real server. Its faults make it misbehave in the ways kload must catch.
type fakeKestrel struct {
	addr string

	dropEvery int    // every Nth set is acknowledged but lost
	dupEvery  int    // every Nth get hands out its item twice
	swapEvery int    // every Nth get hands out the second item first
	setReply  string // reply to sets, when not "STORED"
	noStats   bool   // stats reports no queues

	mu     sync.Mutex
	queues map[string][][]byte
	logged map[string]int // bytes set per queue since its last flush, as a journal would hold
	sets   int
	gets   int
}

// startFake serves on a loopback port until the test ends.
func startFake(t *testing.T, configure func(*fakeKestrel)) *fakeKestrel {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	f := &fakeKestrel{addr: ln.Addr().String(), setReply: "STORED", queues: map[string][][]byte{}, logged: map[string]int{}}
	if configure != nil {
		configure(f)
	}
	var conns sync.WaitGroup
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { f.serve(c) })
		}
	}()
	t.Cleanup(func() { ln.Close(); conns.Wait() })
	return f
}

func (f *fakeKestrel) serve(c net.Conn) {
	defer c.Close()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if !f.handle(strings.Fields(line), r, w) {
			return
		}
		// Answer once the pipelined requests already received are handled.
		if r.Buffered() == 0 && w.Flush() != nil {
			return
		}
	}
}

func (f *fakeKestrel) handle(fields []string, r *bufio.Reader, w *bufio.Writer) bool {
	if len(fields) == 1 && fields[0] == "stats" {
		f.stats(w)
		return true
	}
	if len(fields) < 2 {
		w.WriteString("ERROR\r\n")
		return true
	}
	switch fields[0] {
	case "set":
		n, _ := strconv.Atoi(fields[len(fields)-1])
		data := make([]byte, n+2)
		if _, err := io.ReadFull(r, data); err != nil {
			return false
		}
		f.set(fields[1], data[:n])
		w.WriteString(f.setReply + "\r\n")
	case "get":
		key, opt, _ := strings.Cut(fields[1], "/")
		ms, _ := strconv.Atoi(strings.TrimPrefix(opt, "t="))
		if item, ok := f.get(key, time.Duration(ms)*time.Millisecond, w); ok {
			w.WriteString("VALUE " + key + " 0 " + strconv.Itoa(len(item)) + "\r\n")
			w.Write(item)
			w.WriteString("\r\nEND\r\n")
		} else {
			w.WriteString("END\r\n")
		}
	case "flush":
		f.mu.Lock()
		delete(f.queues, fields[1])
		delete(f.logged, fields[1])
		f.mu.Unlock()
		w.WriteString("END\r\n")
	default:
		w.WriteString("ERROR\r\n")
	}
	return true
}

func (f *fakeKestrel) set(queue string, item []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sets++
	if f.dropEvery > 0 && f.sets%f.dropEvery == 0 {
		return
	}
	f.queues[queue] = append(f.queues[queue], item)
	f.logged[queue] += len(item)
}

// stats reports the figures packing reads, for every queue: logsize is what
// the queue's journal would hold if it were never packed.
func (f *fakeKestrel) stats(w *bufio.Writer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.WriteString("STAT uptime 1\r\n")
	for name, items := range f.queues {
		if f.noStats {
			break
		}
		mem := 0
		for _, it := range items {
			mem += len(it)
		}
		for _, st := range [][2]string{
			{"logsize", strconv.Itoa(f.logged[name])}, {"mem_bytes", strconv.Itoa(mem)},
			{"journal_rotations", "0"}, {"journal_rewrites", "0"},
		} {
			w.WriteString("STAT queue_" + name + "_" + st[0] + " " + st[1] + "\r\n")
		}
	}
	w.WriteString("END\r\n")
}

// get polls until an item shows up or wait runs out; a test server can
// afford that where Kestrel parks the request.
func (f *fakeKestrel) get(queue string, wait time.Duration, w *bufio.Writer) ([]byte, bool) {
	w.Flush() // don't hold earlier replies hostage while waiting
	until := time.Now().Add(wait)
	for {
		if item, ok := f.take(queue); ok || time.Now().After(until) {
			return item, ok
		}
		time.Sleep(time.Millisecond)
	}
}

func (f *fakeKestrel) take(queue string) ([]byte, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.queues[queue]
	if len(q) == 0 {
		return nil, false
	}
	f.gets++
	switch {
	case f.dupEvery > 0 && f.gets%f.dupEvery == 0:
		return q[0], true // left in place: it will be handed out again
	case f.swapEvery > 0 && f.gets%f.swapEvery == 0 && len(q) > 1:
		item := q[1]
		f.queues[queue] = append(q[:1:1], q[2:]...)
		return item, true
	}
	f.queues[queue] = q[1:]
	return q[0], true
}

// depth is how many items queue holds.
func (f *fakeKestrel) depth(queue string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queues[queue])
}
