package kload

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sync"
	"time"
)

func init() {
	Register(Entry{
		Name:    "flood",
		Summary: "flood items from producers to consumers through one queue, checking each arrives once and in order",
		New:     func() Test { return NewFlood() },
	})
}

// Flood is Kestrel's flood: Threads producers each put Items numbered items
// into one queue while Threads consumers take them out as fast as they can.
// Unlike Kestrel's, it also verifies delivery: every acknowledged item must
// arrive exactly once, and each producer's items in the order sent.
type Flood struct {
	Items     int // per producer
	KB        int // item size in kB, as Kestrel's -k
	Bytes     int // item size in bytes; overrides KB when > 0
	Queue     string
	Threads   int
	Prefill   int // items put before the clock starts, so the queue begins behind
	TimeoutMs int // how long each get waits on the server; 0 spins with plain gets
	Flush     bool
}

// NewFlood returns flood with Kestrel's defaults, except that gets block for
// up to a second (Kestrel's -B) and the queue is flushed first, which the
// order check needs.
func NewFlood() *Flood {
	return &Flood{Items: 10000, KB: 1, Queue: "spam", Threads: 1, TimeoutMs: 1000, Flush: true}
}

// Flags registers flood's flags under Kestrel's names.
func (f *Flood) Flags(fs *flag.FlagSet) {
	fs.IntVar(&f.Items, "n", f.Items, "each producer puts `ITEMS` items")
	fs.IntVar(&f.KB, "k", f.KB, "put `KILOBYTES` per item")
	fs.IntVar(&f.Bytes, "b", f.Bytes, "put `BYTES` per item (overrides -k)")
	fs.IntVar(&f.Bytes, "bytes", f.Bytes, "alias of -b")
	fs.StringVar(&f.Queue, "q", f.Queue, "queue `NAME`")
	fs.IntVar(&f.Threads, "t", f.Threads, "run `THREADS` producers and as many consumers")
	fs.IntVar(&f.Prefill, "P", f.Prefill, "put `ITEMS` items into the queue before the test")
	fs.IntVar(&f.TimeoutMs, "timeout", f.TimeoutMs, "consumers send get NAME/t=`MS`; 0 sends plain gets and spins")
	fs.BoolVar(&f.Flush, "flush", f.Flush, "flush the queue first (stale items would fail the order check)")
}

func (f *Flood) itemSize() int {
	if f.Bytes > 0 {
		return f.Bytes
	}
	return f.KB * 1024
}

func (f *Flood) validate() error {
	switch {
	case f.Items < 1 || f.Items >= 1e12:
		return fmt.Errorf("flood: -n must be in [1, 1e12), not %d", f.Items)
	case f.Threads < 1 || f.Threads >= 1e6-1:
		return fmt.Errorf("flood: -t must be in [1, 999999), not %d", f.Threads)
	case f.itemSize() < itemHeaderLen:
		return fmt.Errorf("flood: items must be at least %d bytes to carry their sequence header, not %d", itemHeaderLen, f.itemSize())
	case f.Queue == "":
		return errors.New("flood: -q is empty")
	case f.Prefill < 0 || f.Prefill >= 1e12:
		return fmt.Errorf("flood: -P must be in [0, 1e12), not %d", f.Prefill)
	case f.TimeoutMs < 0:
		return fmt.Errorf("flood: --timeout must not be negative, not %d", f.TimeoutMs)
	}
	return nil
}

// Run executes flood.
func (f *Flood) Run(c Common, out io.Writer) (*Result, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	res := newResult("flood")
	if f.Flush {
		if err := flushQueues(c.Server, []string{f.Queue}); err != nil {
			res.Errors.Add(err)
			return res, nil
		}
	}
	run := newFloodRun(f, c, res)
	run.runWith(out, floodEnds{produce: run.produce, consume: run.consume})
	return res, nil
}

// floodEnds are how flood's producers and consumers reach the server.
type floodEnds struct {
	produce func(id, n int, deadline time.Time) error
	consume func(id int) error
	via     string // said in the report line, after the queue name
}

// runWith prefills the queue, floods it and checks what arrived, reporting
// as Kestrel's flood did.
func (r *floodRun) runWith(out io.Writer, ends floodEnds) {
	f := r.f
	if f.Prefill > 0 {
		fmt.Fprintf(out, "prefill: %d items of %s\n", f.Prefill, sizeLabel(r.size))
		if err := ends.produce(f.Threads, f.Prefill, time.Time{}); err != nil {
			r.res.Errors.Add(err)
			return
		}
	}
	fmt.Fprintf(out, "flood: %d threads each sending %d items of %s through %s%s\n",
		f.Threads, f.Items, sizeLabel(r.size), f.Queue, ends.via)

	start := time.Now()
	r.floodWith(r.c.deadline(start), ends)
	r.res.Elapsed = time.Since(start)
	r.finish()

	writeFinished(out, r.res.Elapsed, r.res.Ops)
	writeRetries(out, r.retries.Load())
	fmt.Fprintf(out, "Consumer(s) spun %d times in misses.\n", r.misses.Load())
}

// floodWith runs Threads producers and as many consumers, however they
// reach the server.
func (r *floodRun) floodWith(deadline time.Time, ends floodEnds) {
	var wg sync.WaitGroup
	r.producersLeft.Store(int64(r.f.Threads))
	for i := range r.f.Threads {
		wg.Go(func() {
			defer r.producersLeft.Add(-1)
			if err := ends.produce(i, r.f.Items, deadline); err != nil {
				r.res.Errors.Add(err)
			}
		})
		wg.Go(func() {
			if err := ends.consume(i); err != nil {
				r.consumerFailed.Store(true)
				r.res.Errors.Add(err)
			}
		})
	}
	wg.Wait()
}

// finish checks for lost items and gathers the consumers' measurements.
func (r *floodRun) finish() {
	// A consumer that died leaves items in the queue that the server did not
	// lose; its own error already explains the run's failure.
	if !r.consumerFailed.Load() {
		for _, err := range r.tr.lost() {
			r.res.Errors.Add(fmt.Errorf("flood: %w", err))
		}
	}
	for _, rec := range r.recs {
		r.res.Latency.Merge(rec)
	}
	r.res.Ops = r.consumed.Load()
}

// sizeLabel prints an item size as Kestrel did ("1kB") when it is whole kB.
func sizeLabel(size int) string {
	if size%1024 == 0 {
		return fmt.Sprintf("%dkB", size/1024)
	}
	return fmt.Sprintf("%d bytes", size)
}
