package kload

import (
	"strings"
	"testing"
	"time"
)

// fakeCommon points a run at the fake server.
func fakeCommon(f *fakeKestrel, pipeline int) Common {
	c := DefaultCommon()
	c.Server, c.Pipeline = f.addr, pipeline
	return c
}

// runTest runs test and returns its result and report.
func runTest(t *testing.T, test Test, c Common) (*Result, string) {
	t.Helper()
	var out strings.Builder
	res, err := test.Run(c, &out)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	res.WriteSummary(&out)
	return res, out.String()
}

func wantNoErrors(t *testing.T, res *Result, report string) {
	t.Helper()
	if n := res.Errors.Count(); n > 0 {
		t.Fatalf("%d errors, first: %v\n%s", n, res.Errors.List(), report)
	}
}

// wantError checks that a run failed and said why.
func wantError(t *testing.T, res *Result, substr string) {
	t.Helper()
	for _, err := range res.Errors.List() {
		if strings.Contains(err.Error(), substr) {
			return
		}
	}
	t.Fatalf("want an error containing %q, got %d: %v", substr, res.Errors.Count(), res.Errors.List())
}

func TestPutManyLoopback(t *testing.T) {
	for _, pipeline := range []int{1, 8} {
		f := startFake(t, nil)
		p := NewPutMany()
		p.Items, p.Clients, p.Queues, p.Flush = 1000, 10, 3, true
		res, report := runTest(t, p, fakeCommon(f, pipeline))
		wantNoErrors(t, res, report)
		if res.Ops != 1000 {
			t.Errorf("pipeline %d: ops = %d, want 1000", pipeline, res.Ops)
		}
		// Clients 0,3,6,9 use spam0: 4 clients of 100 items each.
		if got := f.depth("spam0"); got != 400 {
			t.Errorf("pipeline %d: spam0 holds %d items, want 400", pipeline, got)
		}
		for _, want := range []string{
			"Put 1000 items of 1024 bytes to " + f.addr + " in 3 queues named spam using 10 clients.\n",
			"Finished in ", "Transactions: min=", "Transactions distribution: 5.00%=",
			"RESULT test=put-many ops=1000 ",
		} {
			if !strings.Contains(report, want) {
				t.Errorf("report lacks %q:\n%s", want, report)
			}
		}
	}
}

func TestPutManyProtocolError(t *testing.T) {
	f := startFake(t, func(f *fakeKestrel) { f.setReply = "SERVER_ERROR disk full" })
	p := NewPutMany()
	p.Items, p.Clients = 20, 2
	res, _ := runTest(t, p, fakeCommon(f, 1))
	wantError(t, res, `set spam: expected STORED, got "SERVER_ERROR disk full"`)
}

func TestPutManyDuration(t *testing.T) {
	f := startFake(t, nil)
	p := NewPutMany()
	p.Items, p.Clients = 1_000_000_000, 2
	c := fakeCommon(f, 4)
	c.Duration = 100 * time.Millisecond
	res, report := runTest(t, p, c)
	wantNoErrors(t, res, report)
	if res.Ops == 0 || res.Ops >= int64(p.Items) || res.Elapsed > 5*time.Second {
		t.Fatalf("ops=%d in %s: want a run cut short by --duration", res.Ops, res.Elapsed)
	}
}

func TestFloodLoopback(t *testing.T) {
	cases := []struct {
		name               string
		threads, pipeline  int
		timeoutMs, prefill int
		bytes              int
	}{
		{name: "kestrel defaults", threads: 1, pipeline: 1, timeoutMs: 50},
		{name: "pipelined", threads: 1, pipeline: 16, timeoutMs: 50},
		{name: "spinning gets", threads: 1, pipeline: 1},
		{name: "shared queue", threads: 3, pipeline: 4, timeoutMs: 50},
		{name: "prefill, small items", threads: 2, pipeline: 2, timeoutMs: 50, prefill: 300, bytes: 100},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t, nil)
			fl := NewFlood()
			fl.Items, fl.Threads, fl.TimeoutMs, fl.Prefill, fl.Bytes = 500, tc.threads, tc.timeoutMs, tc.prefill, tc.bytes
			res, report := runTest(t, fl, fakeCommon(f, tc.pipeline))
			wantNoErrors(t, res, report)
			if want := int64(500*tc.threads + tc.prefill); res.Ops != want {
				t.Errorf("ops = %d, want %d", res.Ops, want)
			}
			if f.depth("spam") != 0 {
				t.Errorf("%d items left in the queue", f.depth("spam"))
			}
			for _, want := range []string{"items of ", " through spam\n", "Finished in ", "Consumer(s) spun ", "RESULT test=flood "} {
				if !strings.Contains(report, want) {
					t.Errorf("report lacks %q:\n%s", want, report)
				}
			}
		})
	}
}

func TestFloodReportMatchesKestrel(t *testing.T) {
	f := startFake(t, nil)
	fl := NewFlood()
	fl.Items, fl.TimeoutMs = 100, 50
	_, report := runTest(t, fl, fakeCommon(f, 1))
	if !strings.HasPrefix(report, "flood: 1 threads each sending 100 items of 1kB through spam\nFinished in ") {
		t.Fatalf("report does not start like Kestrel's:\n%s", report)
	}
}

func TestFloodDetectsFaults(t *testing.T) {
	cases := []struct {
		name      string
		configure func(*fakeKestrel)
		want      string
	}{
		{"lost items", func(f *fakeKestrel) { f.dropEvery = 97 }, "lost 5 of 500 items from producer 0"},
		{"duplicates", func(f *fakeKestrel) { f.dupEvery = 50 }, "twice"},
		{"reordering", func(f *fakeKestrel) { f.swapEvery = 50 }, "arrived after item"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t, tc.configure)
			fl := NewFlood()
			fl.Items, fl.TimeoutMs = 500, 20
			res, _ := runTest(t, fl, fakeCommon(f, 1))
			wantError(t, res, tc.want)
		})
	}
}

func TestFloodDuration(t *testing.T) {
	f := startFake(t, nil)
	fl := NewFlood()
	fl.Items, fl.TimeoutMs = 1_000_000_000, 20
	c := fakeCommon(f, 4)
	c.Duration = 100 * time.Millisecond
	res, report := runTest(t, fl, c)
	wantNoErrors(t, res, report)
	if res.Ops == 0 || res.Elapsed > 5*time.Second {
		t.Fatalf("ops=%d in %s: want a run cut short by --duration", res.Ops, res.Elapsed)
	}
}
