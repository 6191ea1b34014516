package kload

import (
	"fmt"
	"sync/atomic"
	"time"
)

// floodRun is the state flood's producers and consumers share.
type floodRun struct {
	f     *Flood
	c     Common
	res   *Result
	size  int
	pad   []byte    // an unstamped item, to check received bodies against
	epoch time.Time // item stamps count from here
	tr    *tracker
	recs  []*Recorder // one per consumer

	producersLeft  atomic.Int64
	consumed       atomic.Int64
	misses         atomic.Int64
	retries        atomic.Int64
	consumerFailed atomic.Bool
}

func newFloodRun(f *Flood, c Common, res *Result) *floodRun {
	// Producers 0..Threads-1 flood; producer Threads is the prefill.
	perProducer := make([]int, f.Threads+1)
	for i := range f.Threads {
		perProducer[i] = f.Items
	}
	perProducer[f.Threads] = f.Prefill
	r := &floodRun{
		f: f, c: c, res: res,
		size:  f.itemSize(),
		pad:   newFloodItem(f.itemSize()),
		epoch: time.Now(),
		tr:    newTracker(perProducer),
		recs:  make([]*Recorder, f.Threads),
	}
	for i := range r.recs {
		r.recs[i] = newClientRecorder(f.Threads)
	}
	return r
}

// stamp is the time since the run began, as carried in item headers.
func (r *floodRun) stamp() int64 { return int64(time.Since(r.epoch)) }

// produce puts n numbered items as producer id, in batches of c.Pipeline,
// until done or past deadline.
func (r *floodRun) produce(id, n int, deadline time.Time) error {
	conn, err := dialRetry(r.c.Server, &r.retries)
	if err != nil {
		return fmt.Errorf("flood producer %d: %w", id, err)
	}
	defer conn.Close()

	buf := newFloodItem(r.size)
	sent := 0
	next := func(i int) []byte {
		encodeItem(buf, id, sent+i, r.stamp())
		return buf
	}
	stored := func(int) { r.tr.produced[id].Add(1) }
	for sent < n && !expired(deadline) {
		k := min(r.c.Pipeline, n-sent)
		if err := conn.SetBatch(r.f.Queue, k, next, stored); err != nil {
			return fmt.Errorf("flood producer %d, after %d puts: %w", id, sent, err)
		}
		sent += k
	}
	return nil
}

// consume takes items until every acknowledged item has been received, or
// until a get comes back empty after the producers finished: then nothing is
// left in the queue for this consumer, and anything still missing is lost
// (or held by another consumer), which finish sorts out.
func (r *floodRun) consume(id int) error {
	conn, err := dialRetry(r.c.Server, &r.retries)
	if err != nil {
		return fmt.Errorf("flood consumer %d: %w", id, err)
	}
	defer conn.Close()

	fc := &floodConsumer{run: r, id: id, rec: r.recs[id], last: make([]int, len(r.tr.seen))}
	for i := range fc.last {
		fc.last[i] = -1
	}
	defer func() { r.misses.Add(fc.misses) }()
	buf, got := make([]byte, r.size), fc.got // one method value, not one per batch
	for {
		// Read producersLeft before the counts: once it is zero, every
		// producer's count is final.
		done := r.producersLeft.Load() == 0
		remaining := r.tr.totalProduced() - r.consumed.Load()
		if done && remaining <= 0 {
			return nil
		}
		k := r.c.Pipeline
		if done {
			k = int(min(int64(k), remaining)) // don't wait out timeouts on an empty queue
		}
		fc.sawEmpty = false
		if buf, err = conn.GetBatch(r.f.Queue, r.f.TimeoutMs, k, buf, got); err != nil {
			return fmt.Errorf("flood consumer %d, after %d items: %w", id, fc.received, err)
		}
		if done && fc.sawEmpty {
			return nil
		}
	}
}

// floodConsumer checks the items one consumer receives.
type floodConsumer struct {
	run      *floodRun
	id       int
	rec      *Recorder
	last     []int // per producer, the highest sequence received so far
	received int
	misses   int64
	sawEmpty bool
}

// got handles one get reply: an empty queue is a miss ("spun" in Kestrel's
// report); an item is checked and its time in the queue recorded.
func (fc *floodConsumer) got(value []byte, ok bool) {
	if !ok {
		fc.misses++
		fc.sawEmpty = true
		return
	}
	r := fc.run
	now := r.stamp()
	fc.received++
	r.consumed.Add(1)
	producer, seq, stamp, err := decodeItem(value, r.pad)
	if err == nil {
		err = r.tr.deliver(producer, seq)
	}
	if err == nil {
		err = fc.checkOrder(producer, seq)
	}
	if err != nil {
		r.res.Errors.Add(fmt.Errorf("flood consumer %d: %w", fc.id, err))
		return
	}
	fc.rec.Add(time.Duration(now - stamp))
}

// checkOrder requires each producer's items to reach this consumer in
// increasing order: the queue is FIFO, so even when consumers share it each
// one sees a subsequence of every producer's stream. Gaps are not errors
// here; items that never arrive are reported as lost at the end.
func (fc *floodConsumer) checkOrder(producer, seq int) error {
	last := fc.last[producer]
	if seq <= last {
		return fmt.Errorf("item %d/%d arrived after item %d/%d", producer, seq, producer, last)
	}
	fc.last[producer] = seq
	return nil
}
