package kload

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Result is what a run measured.
type Result struct {
	Test    string
	Ops     int64 // operations completed: puts for put-many, items received for flood
	Elapsed time.Duration
	Latency *Recorder
	Errors  Errors
}

func newResult(test string) *Result {
	return &Result{Test: test, Latency: NewRecorder(sampleBudget)}
}

// OpsPerSec is the throughput over the whole run.
func (r *Result) OpsPerSec() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds()
}

// WriteSummary prints the one-line machine-readable summary.
func (r *Result) WriteSummary(w io.Writer) {
	us := func(p float64) float64 { return micros(r.Latency.Percentile(p)) }
	fmt.Fprintf(w, "RESULT test=%s ops=%d secs=%.3f ops_per_sec=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f errors=%d\n",
		r.Test, r.Ops, r.Elapsed.Seconds(), r.OpsPerSec(), us(0.5), us(0.9), us(0.99), us(0.999), r.Errors.Count())
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// maxKeptErrors bounds the messages kept: a broken server can fail every one
// of a million items, and the first few say what went wrong.
const maxKeptErrors = 20

// Errors counts failures from concurrent clients and keeps the first few.
type Errors struct {
	mu    sync.Mutex
	count int64
	first []error
}

// Add records one failure.
func (e *Errors) Add(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.count++
	if len(e.first) < maxKeptErrors {
		e.first = append(e.first, err)
	}
}

// Count is the number of failures recorded.
func (e *Errors) Count() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.count
}

// List returns the failures kept, oldest first.
func (e *Errors) List() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.first...)
}

// Print prints the kept failures, one a line, and how many were not kept.
func (e *Errors) Print(w io.Writer) {
	list, n := e.List(), e.Count()
	for _, err := range list {
		fmt.Fprintf(w, "error: %v\n", err)
	}
	if more := n - int64(len(list)); more > 0 {
		fmt.Fprintf(w, "error: ... and %d more\n", more)
	}
}
