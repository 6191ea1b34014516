package kload

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func init() {
	Register(Entry{
		Name:    "put-many",
		Summary: "spam a server with puts from many clients, to see how quickly it absorbs them",
		New:     func() Test { return NewPutMany() },
	})
}

// PutMany is Kestrel's put-many: Clients connections each put Items/Clients
// copies of one item, spread over Queues queues, timing every reply.
type PutMany struct {
	Clients int
	Items   int
	Bytes   int
	Queue   string // the queue, or the prefix of Queues queues
	Queues  int
	Flush   bool // flush the queues first
}

// NewPutMany returns put-many with Kestrel's defaults.
func NewPutMany() *PutMany {
	return &PutMany{Clients: 100, Items: 10000, Bytes: 1024, Queue: "spam", Queues: 1}
}

// Flags registers put-many's flags under Kestrel's names.
func (p *PutMany) Flags(fs *flag.FlagSet) {
	fs.IntVar(&p.Clients, "c", p.Clients, "use `CLIENTS` concurrent clients")
	fs.IntVar(&p.Items, "n", p.Items, "put `ITEMS` items in all")
	fs.IntVar(&p.Bytes, "b", p.Bytes, "put `BYTES` per item")
	fs.IntVar(&p.Bytes, "bytes", p.Bytes, "alias of -b")
	fs.StringVar(&p.Queue, "q", p.Queue, "queue `NAME` (the prefix when --queues > 1)")
	fs.IntVar(&p.Queues, "queues", p.Queues, "spread clients over `N` queues named NAME0..NAME<N-1>")
	fs.IntVar(&p.Queues, "Q", p.Queues, "alias of --queues")
	fs.BoolVar(&p.Flush, "flush", p.Flush, "flush the queue(s) first (memcached does not understand flush)")
}

func (p *PutMany) validate() error {
	switch {
	case p.Clients < 1:
		return fmt.Errorf("put-many: -c must be at least 1, not %d", p.Clients)
	case p.Items < p.Clients:
		return fmt.Errorf("put-many: -n %d gives each of %d clients no items", p.Items, p.Clients)
	case p.Bytes < 0:
		return fmt.Errorf("put-many: -b must not be negative, not %d", p.Bytes)
	case p.Queue == "":
		return errors.New("put-many: -q is empty")
	case p.Queues < 1:
		return fmt.Errorf("put-many: --queues must be at least 1, not %d", p.Queues)
	}
	return nil
}

// queueName is client i's queue: Kestrel appends i%Queues to the name only
// when there is more than one queue.
func (p *PutMany) queueName(i int) string {
	if p.Queues == 1 {
		return p.Queue
	}
	return p.Queue + strconv.Itoa(i%p.Queues)
}

func (p *PutMany) queueNames() []string {
	names := make([]string, p.Queues)
	for i := range names {
		names[i] = p.queueName(i)
	}
	return names
}

// Run executes put-many.
func (p *PutMany) Run(c Common, out io.Writer) (*Result, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	res := newResult("put-many")
	if p.Flush {
		if err := flushQueues(c.Server, p.queueNames()); err != nil {
			res.Errors.Add(err)
			return res, nil
		}
	}
	fmt.Fprintf(out, "Put %d items of %d bytes to %s in %d queues named %s using %d clients.\n",
		p.Items, p.Bytes, c.Server, p.Queues, p.Queue, p.Clients)

	data := fillerData(p.Bytes)
	var retries atomic.Int64
	p.runClients(c, res, func(i int, deadline time.Time, rec *Recorder) error {
		return p.client(c, i, data, deadline, rec, &retries)
	})
	writeFinished(out, res.Elapsed, res.Ops)
	writeRetries(out, retries.Load())
	WriteTransactions(out, res.Latency)
	return res, nil
}

// runClients runs p.Clients clients at once, each timing its puts in a
// recorder of its own, and gathers what they measured into res.
func (p *PutMany) runClients(c Common, res *Result, client func(i int, deadline time.Time, rec *Recorder) error) {
	recs := make([]*Recorder, p.Clients)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := c.deadline(start)
	for i := range recs {
		recs[i] = newClientRecorder(p.Clients)
		wg.Go(func() {
			if err := client(i, deadline, recs[i]); err != nil {
				res.Errors.Add(err)
			}
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	for _, r := range recs {
		res.Latency.Merge(r)
	}
	res.Ops = res.Latency.Count()
}

// client is one put-many connection: its share of the items in batches of
// c.Pipeline, each reply timed from the start of its batch.
func (p *PutMany) client(c Common, id int, data []byte, deadline time.Time, rec *Recorder, retries *atomic.Int64) error {
	conn, err := dialRetry(c.Server, retries)
	if err != nil {
		return fmt.Errorf("put-many client %d: %w", id, err)
	}
	defer conn.Close()

	queue, n := p.queueName(id), p.Items/p.Clients
	var batchStart time.Time
	next := func(int) []byte { return data }
	stored := func(int) { rec.Add(time.Since(batchStart)) }
	for done := 0; done < n && !expired(deadline); {
		k := min(c.Pipeline, n-done)
		batchStart = time.Now()
		if err := conn.SetBatch(queue, k, next, stored); err != nil {
			return fmt.Errorf("put-many client %d, after %d puts: %w", id, done, err)
		}
		done += k
	}
	return nil
}

// filler is the text items are cut from. Kestrel used a song lyric; any
// printable text does, since the server never looks inside an item.
const filler = "Kestrel is a simple, distributed message queue. Each server handles a set of " +
	"reliable, ordered message queues; there is no cross communication between servers.\n"

// fillerData returns n bytes of filler text, repeated as needed.
func fillerData(n int) []byte {
	data := make([]byte, 0, n)
	for len(data) < n {
		data = append(data, filler[:min(len(filler), n-len(data))]...)
	}
	return data
}
