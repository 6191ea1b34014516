package kload

import (
	"strings"
	"testing"
	"time"
)

func usRecorder(limit int, values ...int) *Recorder {
	r := NewRecorder(limit)
	for _, v := range values {
		r.Add(time.Duration(v) * time.Microsecond)
	}
	return r
}

func TestRecorderPercentiles(t *testing.T) {
	r := NewRecorder(1000)
	for v := 100; v >= 1; v-- { // out of order on purpose
		r.Add(time.Duration(v) * time.Microsecond)
	}
	cases := []struct {
		p    float64
		want int
	}{
		// index floor(100*p) of 1..100, as Kestrel computed it
		{0, 1}, {0.05, 6}, {0.5, 51}, {0.9, 91}, {0.99, 100}, {0.999, 100}, {1, 100},
	}
	for _, tc := range cases {
		if got := r.Percentile(tc.p); got != time.Duration(tc.want)*time.Microsecond {
			t.Errorf("p%v = %v, want %dµs", tc.p*100, got, tc.want)
		}
	}
	if got, want := r.Median(), 50500*time.Nanosecond; got != want {
		t.Errorf("median = %v, want %v", got, want)
	}
	if got, want := r.Mean(), 50500*time.Nanosecond; got != want {
		t.Errorf("mean = %v, want %v", got, want)
	}
	if r.Min() != time.Microsecond || r.Count() != 100 {
		t.Errorf("min = %v, count = %d, want 1µs, 100", r.Min(), r.Count())
	}
}

func TestRecorderTopAndMedian(t *testing.T) {
	cases := []struct {
		values  []int
		top     []int
		median  int
		average int
	}{
		{values: nil, top: nil},
		{values: []int{7}, top: []int{7}, median: 7, average: 7},
		{values: []int{3, 9}, top: []int{9, 3}, median: 6, average: 6},
		{values: []int{5, 1, 9, 7, 3}, top: []int{9, 7, 5}, median: 5, average: 5},
		{values: []int{2, 2, 8, 2}, top: []int{8, 2, 2}, median: 2, average: 3500},
	}
	for _, tc := range cases {
		r := usRecorder(100, tc.values...)
		if got := us(r.Top()); !equalInts(got, tc.top) {
			t.Errorf("%v: top = %v, want %v", tc.values, got, tc.top)
		}
		if got := int(r.Median() / time.Microsecond); got != tc.median {
			t.Errorf("%v: median = %d, want %d", tc.values, got, tc.median)
		}
		want := time.Duration(tc.average) * time.Microsecond
		if tc.average > 1000 { // written in ns when not whole µs
			want = time.Duration(tc.average)
		}
		if got := r.Mean(); got != want {
			t.Errorf("%v: mean = %v, want %v", tc.values, got, want)
		}
	}
}

func us(ds []time.Duration) []int {
	var out []int
	for _, d := range ds {
		out = append(out, int(d/time.Microsecond))
	}
	return out
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Beyond its limit a recorder keeps exact counts and extremes, and a sample
// spread over the whole run rather than its beginning.
func TestRecorderReservoir(t *testing.T) {
	r := NewRecorder(1000)
	for v := 1; v <= 100000; v++ {
		r.Add(time.Duration(v))
	}
	if r.Count() != 100000 || len(r.samples) != 1000 {
		t.Fatalf("count %d, samples %d; want 100000, 1000", r.Count(), len(r.samples))
	}
	if r.Min() != 1 || r.Top()[0] != 100000 {
		t.Errorf("min %v, max %v: want exact 1ns, 100000ns", r.Min(), r.Top()[0])
	}
	if p50 := r.Percentile(0.5); p50 < 40000 || p50 > 60000 {
		t.Errorf("p50 of a uniform 1..100000 sampled as %d", p50)
	}
}

func TestRecorderMerge(t *testing.T) {
	a := usRecorder(10, 5, 1, 8)
	b := usRecorder(10, 9, 2)
	a.Merge(b)
	a.Merge(NewRecorder(10))
	if a.Count() != 5 || a.Min() != time.Microsecond {
		t.Errorf("count %d, min %v; want 5, 1µs", a.Count(), a.Min())
	}
	if got := us(a.Top()); !equalInts(got, []int{9, 8, 5}) {
		t.Errorf("top = %v, want [9 8 5]", got)
	}
	if a.Median() != 5*time.Microsecond || a.Mean() != 5*time.Microsecond {
		t.Errorf("median %v, mean %v; want 5µs, 5µs", a.Median(), a.Mean())
	}
	empty := NewRecorder(10)
	empty.Merge(b)
	if empty.Min() != 2*time.Microsecond {
		t.Errorf("merge into empty: min %v, want 2µs", empty.Min())
	}
}

func TestWriteTransactions(t *testing.T) {
	var out strings.Builder
	WriteTransactions(&out, usRecorder(100, 10, 20, 30, 40))
	want := "Transactions: min=10.00; max=40.00 30.00 20.00; median=25.00; average=25.00 usec\n" +
		"Transactions distribution: 5.00%=10.00 10.00%=10.00 25.00%=20.00 50.00%=30.00 75.00%=40.00 " +
		"90.00%=40.00 95.00%=40.00 99.00%=40.00 99.90%=40.00 99.99%=40.00\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

func TestWriteSummary(t *testing.T) {
	res := newResult("put-many")
	res.Ops, res.Elapsed = 1000, 2*time.Second
	res.Latency = usRecorder(100, 10, 20, 30, 40)
	res.Errors.Add(errTest)
	var out strings.Builder
	res.WriteSummary(&out)
	want := "RESULT test=put-many ops=1000 secs=2.000 ops_per_sec=500.0 p50_us=30.0 p90_us=40.0 p99_us=40.0 p999_us=40.0 errors=1\n"
	if out.String() != want {
		t.Errorf("got  %q\nwant %q", out.String(), want)
	}
}

var errTest = errorString("test failure")

type errorString string

func (e errorString) Error() string { return string(e) }
