package kload

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// packingRun is the state of one packing run. Its producer, consumer and
// stats connections last the whole run; the producer and consumer of a
// cycle run on goroutines of their own, and cycle waits for both before it
// touches the counters they share.
type packingRun struct {
	p   *Packing
	c   Common
	res *Result
	out io.Writer

	pad   []byte // an unstamped item, to check received bodies against
	epoch time.Time
	tr    *tracker

	producer, consumer, stats *Conn
	prod                      packingProducer
	cons                      packingConsumer

	writeCounter int // the number of the next item to put
	clientFailed bool
}

func newPackingRun(p *Packing, c Common, res *Result, out io.Writer) (*packingRun, error) {
	size := p.itemSize()
	r := &packingRun{
		p: p, c: c, res: res, out: out,
		pad:   newFloodItem(size),
		epoch: time.Now(),
		// Producer 0 numbers every item of the run, seeding included.
		tr: newTracker([]int{p.Items * (p.Cycles + 1)}),
	}
	var retries atomic.Int64
	for _, conn := range []**Conn{&r.producer, &r.consumer, &r.stats} {
		var err error
		if *conn, err = dialRetry(c.Server, &retries); err != nil {
			r.close()
			return nil, fmt.Errorf("packing: %w", err)
		}
	}
	writeRetries(out, retries.Load())
	r.prod = packingProducer{run: r, buf: newFloodItem(size)}
	r.cons = packingConsumer{run: r, buf: make([]byte, size), last: -1}
	// Method values made once, not once per batch.
	r.prod.nextFn, r.prod.storedFn = r.prod.next, r.prod.storedOne
	r.cons.gotFn = r.cons.got
	return r, nil
}

func (r *packingRun) close() {
	for _, conn := range []*Conn{r.producer, r.consumer, r.stats} {
		if conn != nil {
			conn.Close()
		}
	}
}

// cycle runs one cycle as Kestrel did: the producer puts Items items while
// the consumer takes Items, either side left out when asked; the report
// lines follow, then the journal figures. It returns false when a client
// failed and the run should stop.
func (r *packingRun) cycle(reads, writes bool) bool {
	start := time.Now()
	var producerDone atomic.Bool
	var wrote int
	var werr, rerr error
	var producer, consumer sync.WaitGroup
	if writes {
		producer.Go(func() {
			defer producerDone.Store(true)
			wrote, werr = r.prod.put(r.writeCounter)
		})
	} else {
		producerDone.Store(true)
	}
	if reads {
		consumer.Go(func() { rerr = r.cons.take(&producerDone) })
	}

	producer.Wait()
	if writes {
		fmt.Fprintf(r.out, "Wrote %d items starting at %d.\n", wrote, r.writeCounter)
		r.writeCounter += wrote
	}
	consumer.Wait()
	if reads {
		took := time.Since(start)
		r.res.Elapsed += took
		fmt.Fprintf(r.out, "Read %d items in %d msec. Consumer spun %d times in misses.\n",
			r.cons.read, took.Milliseconds(), r.cons.misses)
	}
	for _, err := range []error{werr, rerr} {
		if err != nil {
			r.res.Errors.Add(err)
		}
	}
	r.clientFailed = r.clientFailed || werr != nil || rerr != nil
	r.report()
	return werr == nil && rerr == nil
}

// report prints the queue's journal figures and, given --pid, the server's
// memory: the line shows whether a queue that stays behind keeps its
// journal and the server's footprint bounded.
func (r *packingRun) report() {
	stats, err := r.stats.Stats()
	var fig journalFigures
	if err == nil {
		fig, err = queueJournalFigures(stats, r.p.Queue)
	}
	if err != nil {
		r.res.Errors.Add(fmt.Errorf("packing: after cycle: %w", err))
		return
	}
	line := fmt.Sprintf("Queue %s: logsize=%d mem_bytes=%d journal_rotations=%d journal_rewrites=%d",
		r.p.Queue, fig.Logsize, fig.MemBytes, fig.Rotations, fig.Rewrites)
	if r.p.PID > 0 {
		m, err := readProcMemory(r.p.PID)
		if err != nil {
			r.res.Errors.Add(fmt.Errorf("packing: after cycle: %w", err))
		} else {
			line += fmt.Sprintf(" VmRSS=%dkB VmHWM=%dkB", m.RSSKB, m.PeakKB)
		}
	}
	fmt.Fprintln(r.out, line)
}

// finish checks that nothing was lost and nothing is left over. A client
// that failed stopped the run with items still queued, which the server did
// not lose: the client's own error already explains the run's failure.
func (r *packingRun) finish() {
	r.res.Ops = int64(r.cons.total)
	if r.clientFailed {
		return
	}
	for _, err := range r.tr.lost() {
		r.res.Errors.Add(fmt.Errorf("packing: %w", err))
	}
	// Every item put has been read, so the queue must be empty now; an
	// item still there was handed out twice or never put by this run.
	value, ok, err := r.consumer.Get(r.p.Queue, 0, nil)
	switch {
	case err != nil:
		r.res.Errors.Add(fmt.Errorf("packing: checking the queue is empty at the end: %w", err))
	case ok:
		what := "an item this test did not send"
		if _, seq, _, derr := decodeItem(value, r.pad); derr == nil {
			what = fmt.Sprintf("item %d", seq)
		}
		r.res.Errors.Add(fmt.Errorf("packing: the queue still holds %s after every item put was read", what))
	}
}

// packingProducer puts one cycle's items, numbered on from the last cycle's.
type packingProducer struct {
	run      *packingRun
	buf      []byte
	first    int // the number of the cycle's first item
	sent     int // items of this cycle sent in batches already answered
	stored   int
	nextFn   func(int) []byte
	storedFn func(int)
}

func (pp *packingProducer) put(first int) (stored int, err error) {
	r := pp.run
	pp.first, pp.sent, pp.stored = first, 0, 0
	for pp.sent < r.p.Items {
		k := min(r.c.Pipeline, r.p.Items-pp.sent)
		if err := r.producer.SetBatch(r.p.Queue, k, pp.nextFn, pp.storedFn); err != nil {
			return pp.stored, fmt.Errorf("packing producer, after %d puts from item %d: %w", pp.stored, first, err)
		}
		pp.sent += k
	}
	return pp.stored, nil
}

func (pp *packingProducer) next(i int) []byte {
	encodeItem(pp.buf, 0, pp.first+pp.sent+i, int64(time.Since(pp.run.epoch)))
	return pp.buf
}

func (pp *packingProducer) storedOne(int) {
	pp.stored++
	pp.run.tr.produced[0].Add(1)
}

// packingConsumer takes one cycle's items and checks each: it must be one
// this run put, not seen before, and later than the last one read, since
// one producer and one consumer share a FIFO queue.
type packingConsumer struct {
	run        *packingRun
	buf        []byte
	gotFn      func([]byte, bool)
	last       int // the number of the last item read, -1 before the first
	total      int // items read in the whole run
	read       int // items read this cycle
	misses     int64
	sawEmpty   bool
	batchStart time.Time
}

// take reads Items items, or fewer if the queue runs dry once the producer
// is done: items were lost then, which finish reports.
func (pc *packingConsumer) take(producerDone *atomic.Bool) error {
	r := pc.run
	pc.read, pc.misses = 0, 0
	for pc.read < r.p.Items {
		// Read before the batch: an empty reply after the producer finished
		// means the queue is empty for good.
		done := producerDone.Load()
		pc.sawEmpty = false
		pc.batchStart = time.Now()
		var err error
		k := min(r.c.Pipeline, r.p.Items-pc.read)
		if pc.buf, err = r.consumer.GetBatch(r.p.Queue, r.p.TimeoutMs, k, pc.buf, pc.gotFn); err != nil {
			return fmt.Errorf("packing consumer, after %d items this cycle: %w", pc.read, err)
		}
		if done && pc.sawEmpty {
			return nil
		}
	}
	return nil
}

func (pc *packingConsumer) got(value []byte, ok bool) {
	if !ok {
		pc.misses++
		pc.sawEmpty = true
		return
	}
	r := pc.run
	r.res.Latency.Add(time.Since(pc.batchStart))
	pc.read++
	pc.total++
	producer, seq, _, err := decodeItem(value, r.pad)
	if err == nil {
		err = r.tr.deliver(producer, seq)
	}
	if err == nil && seq <= pc.last {
		err = fmt.Errorf("item %d arrived after item %d", seq, pc.last)
	}
	if err != nil {
		r.res.Errors.Add(fmt.Errorf("packing consumer: %w", err))
		return
	}
	pc.last = seq
}
