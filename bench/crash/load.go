package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kestrel-go/kestrel/bench/kload"
)

const (
	queue = "crash"
	// ioTimeout bounds every request: a server that hangs fails the run.
	ioTimeout = 10 * time.Second
	waitMs    = 100 // readers' get/t=
)

// load is the writers and readers, and what they saw.
type load struct {
	srv    *server
	ledger *ledger
	opts   options
	// acks and confirms count progress, so a kill waits for load to run.
	acks, confirms atomic.Int64

	mu     sync.Mutex
	faults []error
}

// link is a client connection and the server generation it reached.
type link struct {
	*kload.Conn
	gen int64
}

// connect dials until it reaches a live server, or stop closes.
func (ld *load) connect(stop <-chan struct{}) (*link, bool) {
	for {
		select {
		case <-stop:
			return nil, false
		default:
		}
		gen := ld.srv.gen.Load()
		c, err := kload.Dial(ld.srv.addr, time.Second)
		if err == nil {
			// Reached the server of gen, unless it was replaced meanwhile.
			if ld.srv.gen.Load() == gen && !ld.srv.killedSince(gen) {
				c.IOTimeout = ioTimeout
				return &link{c, gen}, true
			}
			c.Close()
		}
		time.Sleep(5 * time.Millisecond) // the server is restarting
	}
}

// broken closes a link whose request failed. A kill explains a cut
// connection; a wrong reply, or a failure on a server not killed, is a
// fault.
func (ld *load) broken(l *link, err error) {
	l.Close()
	var proto *kload.ProtocolError
	if errors.As(err, &proto) || !ld.srv.killedSince(l.gen) {
		ld.fault(fmt.Errorf("server generation %d: %w", l.gen, err))
	}
}

func (ld *load) fault(err error) {
	ld.mu.Lock()
	defer ld.mu.Unlock()
	if len(ld.faults) < 20 {
		ld.faults = append(ld.faults, err)
	}
}

// writer sets unique ids until stop, reconnecting after each kill.
func (ld *load) writer(w int, stop <-chan struct{}) {
	rng := rand.New(rand.NewPCG(ld.opts.seed, uint64(w)))
	seq := 0
	for {
		l, ok := ld.connect(stop)
		if !ok {
			return
		}
		for {
			select {
			case <-stop:
				l.Close()
				return
			default:
			}
			id := idOf(w, seq)
			seq++
			ld.ledger.sent(id)
			if err := l.Set(queue, item(id, rng.IntN(ld.opts.maxItem))); err != nil {
				ld.broken(l, err)
				break
			}
			ld.ledger.acked(id)
			ld.acks.Add(1)
		}
	}
}

// reader takes items with /open and confirms each with /close; now and
// then it hangs up instead, as a consumer that dies mid-read.
func (ld *load) reader(r int, stop <-chan struct{}) {
	rng := rand.New(rand.NewPCG(ld.opts.seed, 1000+uint64(r)))
	for {
		l, ok := ld.connect(stop)
		if !ok {
			return
		}
		ld.readOn(l, rng, stop)
	}
}

// readOn reads on one link until it breaks, the reader abandons a read,
// or stop.
func (ld *load) readOn(l *link, rng *rand.Rand, stop <-chan struct{}) {
	defer l.Close()
	var buf []byte
	for {
		select {
		case <-stop:
			return
		default:
		}
		data, ok, err := l.Get(queue+"/open", waitMs, buf)
		if err != nil {
			ld.broken(l, err)
			return
		}
		if !ok {
			continue
		}
		buf = data
		id := ld.ledger.received(data)
		if rng.Float64() < ld.opts.abandon {
			ld.ledger.abandon()
			return // hanging up gives the read back to the queue
		}
		if !ld.close(l, id, buf) {
			return
		}
	}
}

// close confirms the open read of id ("" for a phantom, confirmed away).
func (ld *load) close(l *link, id string, buf []byte) bool {
	_, got, err := l.Get(queue+"/close", 0, buf)
	switch {
	case err != nil:
		if id != "" && ld.srv.killedSince(l.gen) {
			ld.ledger.closeCut(id)
		}
		ld.broken(l, err)
		return false
	case got:
		ld.fault(errors.New("get " + queue + "/close answered an item"))
		return false
	}
	if id != "" {
		ld.ledger.confirmed(id)
		ld.confirms.Add(1)
	}
	return true
}

// drain takes what is left with plain gets, on a server no one else uses.
func (ld *load) drain() error {
	l, _ := ld.connect(nil)
	defer l.Close()
	var buf []byte
	for {
		data, ok, err := l.Get(queue, 0, buf)
		if err != nil {
			return fmt.Errorf("drain: %w", err)
		}
		if !ok {
			return nil
		}
		buf = data
		if id := ld.ledger.received(data); id != "" {
			ld.ledger.drained(id)
		}
	}
}
