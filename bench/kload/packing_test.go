package kload

import (
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// quickPacking is packing scaled down for the fake server.
func quickPacking() *Packing {
	p := NewPacking()
	p.Items, p.Cycles, p.Pause, p.TimeoutMs = 200, 3, 10*time.Millisecond, 50
	return p
}

func TestPackingReportMatchesKestrel(t *testing.T) {
	for _, pipeline := range []int{1, 16} {
		f := startFake(t, nil)
		p := quickPacking()
		if runtime.GOOS == "linux" {
			p.PID = os.Getpid()
		}
		res, report := runTest(t, p, fakeCommon(f, pipeline))
		wantNoErrors(t, res, report)
		if res.Ops != 800 || f.depth("spam") != 0 {
			t.Errorf("pipeline %d: ops = %d with %d items left, want 800 and none", pipeline, res.Ops, f.depth("spam"))
		}
		// The figures vary; the shape of each line must not.
		shape := regexp.MustCompile(`in \d+ msec|=\d+`)
		got := shape.ReplaceAllStringFunc(report, func(s string) string {
			if strings.HasPrefix(s, "in ") {
				return "in N msec"
			}
			return "=N"
		})
		stats := "Queue spam: logsize=N mem_bytes=N journal_rotations=N journal_rewrites=N"
		if p.PID > 0 {
			stats += " VmRSS=NkB VmHWM=NkB"
		}
		want := strings.Join([]string{
			"packing: 200 items of 1kB with 0.01 second pauses",
			"Flushing queues first.",
			"Wrote 200 items starting at 0.",
			stats,
		}, "\n") + "\n"
		for i, first := range []string{"200", "400", "600"} {
			want += "cycle: " + string(rune('1'+i)) + "\n" +
				"Wrote 200 items starting at " + first + ".\n" +
				"Read 200 items in N msec. Consumer spun 0 times in misses.\n" + stats + "\n"
		}
		want += "Read 200 items in N msec. Consumer spun 0 times in misses.\n" + stats + "\n"
		if !strings.HasPrefix(got, want) || !strings.Contains(report, "\nRESULT test=packing ops=800 ") {
			t.Fatalf("pipeline %d: report\n%s\nwant it to start\n%s", pipeline, report, want)
		}
	}
}

// The fake's logsize is every byte put since the flush, and mem_bytes what
// the queue holds: after the seeding, one cycle's worth of each.
func TestPackingReportsQueueFigures(t *testing.T) {
	f := startFake(t, nil)
	p := quickPacking()
	p.Cycles = 1
	_, report := runTest(t, p, fakeCommon(f, 1))
	for _, want := range []string{
		"Wrote 200 items starting at 0.\nQueue spam: logsize=204800 mem_bytes=204800 ",
		"Read 200 items in ",
		"Queue spam: logsize=409600 mem_bytes=204800 ",
		"Queue spam: logsize=409600 mem_bytes=0 ",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
}

func TestPackingDetectsFaults(t *testing.T) {
	cases := []struct {
		name      string
		configure func(*fakeKestrel)
		want      string
	}{
		{"lost items", func(f *fakeKestrel) { f.dropEvery = 97 }, "lost 8 of 800 items from producer 0"},
		{"duplicates", func(f *fakeKestrel) { f.dupEvery = 50 }, "twice"},
		{"left over", func(f *fakeKestrel) { f.dupEvery = 50 }, "the queue still holds item "},
		{"reordering", func(f *fakeKestrel) { f.swapEvery = 50 }, "arrived after item"},
		{"no queue stats", func(f *fakeKestrel) { f.noStats = true }, "stats: the reply has no queue_spam_logsize"},
		{"failed puts", func(f *fakeKestrel) { f.setReply = "SERVER_ERROR full" }, `packing producer, after 0 puts from item 0: set spam: expected STORED, got "SERVER_ERROR full"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t, tc.configure)
			res, _ := runTest(t, quickPacking(), fakeCommon(f, 1))
			wantError(t, res, tc.want)
		})
	}
}

func TestPackingDuration(t *testing.T) {
	f := startFake(t, nil)
	p := quickPacking()
	p.Items, p.Cycles, p.Pause = 50, 1_000_000, 0
	c := fakeCommon(f, 4)
	c.Duration = 100 * time.Millisecond
	res, report := runTest(t, p, c)
	wantNoErrors(t, res, report)
	if res.Ops == 0 || res.Ops%50 != 0 || f.depth("spam") != 0 || res.Elapsed > 5*time.Second {
		t.Fatalf("ops=%d in %s, %d left: want whole cycles cut short by --duration and drained", res.Ops, res.Elapsed, f.depth("spam"))
	}
}

func TestPackingRejects(t *testing.T) {
	cases := []struct {
		change func(*Packing)
		want   string
	}{
		{func(p *Packing) { p.Items = 0 }, "-n must be at least 1"},
		{func(p *Packing) { p.Cycles = -1 }, "-c must not be negative"},
		{func(p *Packing) { p.Items, p.Cycles = 1_000_000, 1_000_000 }, "1e12 items or more"},
		{func(p *Packing) { p.Bytes = 10 }, "items must be at least"},
		{func(p *Packing) { p.PID = 1 << 30 }, "--pid 1073741824: reading the server's memory"},
	}
	for _, tc := range cases {
		p := NewPacking()
		tc.change(p)
		_, err := p.Run(DefaultCommon(), &strings.Builder{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
}
