package kload

import (
	"slices"
	"time"
)

// Recorder collects operation latencies. Count, sum, min and the three
// largest values are exact; percentiles come from a bounded uniform sample
// (a reservoir), so a long --duration run doesn't grow memory without limit.
// Kestrel's put-many kept only the first 100,000 timings instead, which
// biases long runs towards their warm-up.
//
// A Recorder is not safe for concurrent use: give each client its own and
// Merge them at the end.
type Recorder struct {
	samples []time.Duration
	limit   int
	count   int64
	sum     time.Duration
	min     time.Duration
	top     [3]time.Duration // largest first; only top[:ntop] are set
	ntop    int
	rng     uint64 // xorshift state: reservoir picks need speed, not quality
	sorted  bool
}

// NewRecorder keeps at most limit samples for percentiles (at least one).
func NewRecorder(limit int) *Recorder {
	return &Recorder{limit: max(limit, 1), rng: 0x9e3779b97f4a7c15}
}

// Add records one latency.
func (r *Recorder) Add(d time.Duration) {
	r.count++
	r.sum += d
	if r.count == 1 || d < r.min {
		r.min = d
	}
	r.addTop(d)
	r.sorted = false
	if len(r.samples) < r.limit {
		r.samples = append(r.samples, d)
		return
	}
	// Algorithm R: the new value replaces a random slot with probability
	// limit/count, which keeps every value seen equally likely to be sampled.
	if j := r.next() % uint64(r.count); j < uint64(r.limit) {
		r.samples[j] = d
	}
}

// addTop keeps the three largest values, largest first.
func (r *Recorder) addTop(d time.Duration) {
	for i := range r.top {
		if i == r.ntop || d > r.top[i] {
			copy(r.top[i+1:], r.top[i:])
			r.top[i] = d
			r.ntop = min(r.ntop+1, len(r.top))
			return
		}
	}
}

func (r *Recorder) next() uint64 {
	r.rng ^= r.rng << 13
	r.rng ^= r.rng >> 7
	r.rng ^= r.rng << 17
	return r.rng
}

// Merge folds o into r. Samples are concatenated regardless of r's limit,
// which is fair when clients did similar numbers of operations: size each
// client's limit as a share of the total instead.
func (r *Recorder) Merge(o *Recorder) {
	if o.count == 0 {
		return
	}
	if r.count == 0 || o.min < r.min {
		r.min = o.min
	}
	for _, d := range o.Top() {
		r.addTop(d)
	}
	r.count += o.count
	r.sum += o.sum
	r.samples = append(r.samples, o.samples...)
	r.sorted = false
}

// Count is the number of latencies recorded.
func (r *Recorder) Count() int64 { return r.count }

// Min is the smallest latency recorded, or zero.
func (r *Recorder) Min() time.Duration { return r.min }

// Top returns up to the three largest latencies, largest first.
func (r *Recorder) Top() []time.Duration {
	return r.top[:r.ntop]
}

// Mean is the average latency, or zero.
func (r *Recorder) Mean() time.Duration {
	if r.count == 0 {
		return 0
	}
	return r.sum / time.Duration(r.count)
}

// Percentile returns the sample at index floor(len*p), clamped, as Kestrel's
// put-many computed its distribution.
func (r *Recorder) Percentile(p float64) time.Duration {
	s := r.sortedSamples()
	if len(s) == 0 {
		return 0
	}
	i := int(float64(len(s)) * p)
	return s[min(max(i, 0), len(s)-1)]
}

// Median is the middle sample, or the mean of the two middle ones.
func (r *Recorder) Median() time.Duration {
	s := r.sortedSamples()
	switch {
	case len(s) == 0:
		return 0
	case len(s)%2 == 1:
		return s[len(s)/2]
	default:
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
}

func (r *Recorder) sortedSamples() []time.Duration {
	if !r.sorted {
		slices.Sort(r.samples)
		r.sorted = true
	}
	return r.samples
}
