package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/admin"
	"github.com/kestrel-go/kestrel/protocol/internal/wiretest"
	"github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

// startAdmin runs a memcache server and the admin pages of its queues,
// each on its own loopback port.
func startAdmin(t *testing.T, cfg *config.Config) (*memcachetest.Server, string) {
	t.Helper()
	srv := memcachetest.Start(t, cfg)
	a, err := admin.New(srv.Queues, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("admin.New: %v", err)
	}
	web := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		web.Close()
		_ = a.Close(context.Background())
	})
	return srv, web.URL
}

func fetch(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// someTraffic puts 3 items in queue "work" and takes one with a get, peeks
// at the next and opens a read of it, leaving one queued and one open; and
// misses on "idle".
func someTraffic(t *testing.T, c *memcachetest.Client) {
	t.Helper()
	c.MustSet("work", "one")
	c.MustSet("work", "two")
	c.MustSet("work", "three")
	c.MustGet("work", "one")
	c.MustGet("work/peek", "two")
	c.MustGet("work/open", "two")
	c.MustBeEmpty("idle")
}

// moving are the figures that change between two looks even when nothing
// happens: clocks, and the bytes of the stats exchange itself.
var moving = map[string]bool{"uptime": true, "time": true, "bytes_read": true, "bytes_written": true, "head_age_msec": true}

func isMoving(memcacheName string) bool {
	if moving[memcacheName] {
		return true
	}
	for name := range moving {
		if strings.HasSuffix(memcacheName, "_"+name) {
			return true
		}
	}
	return false
}

// ostrichName is the stats.txt name of a memcache stat: queue_work_items
// is q/work/items.
func ostrichName(memcacheName string, queues []string) string {
	for _, q := range queues {
		if rest, ok := strings.CutPrefix(memcacheName, "queue_"+q+"_"); ok {
			return "q/" + q + "/" + rest
		}
	}
	return memcacheName
}

func parseStatsText(t *testing.T, body string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if !strings.HasPrefix(line, "  ") {
			if !strings.HasSuffix(line, ":") {
				t.Fatalf("stats.txt: %q is neither a section nor an indented figure", line)
			}
			continue
		}
		name, value, ok := strings.Cut(strings.TrimSpace(line), ": ")
		if !ok {
			t.Fatalf("stats.txt: bad line %q", line)
		}
		out[name] = value
	}
	return out
}

func parseStatsJSON(t *testing.T, body string) map[string]string {
	t.Helper()
	var doc map[string]map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("stats.json: %v\n%s", err, body)
	}
	out := map[string]string{}
	for _, group := range []string{"counters", "gauges", "labels"} {
		for name, v := range doc[group] {
			switch v := v.(type) {
			case float64:
				out[name] = strconv.FormatInt(int64(v), 10)
			case string:
				out[name] = v
			}
		}
	}
	return out
}

func TestStatsPagesMatchMemcacheStats(t *testing.T) {
	srv, url := startAdmin(t, memcachetest.Config(t))
	c := memcachetest.Dial(t, srv.Addr)
	someTraffic(t, c)
	want := c.Stats()
	if want["queue_work_get_hits"] != "3" || want["queue_work_cmd_peek"] != "1" || want["queue_idle_get_misses"] != "1" {
		t.Fatalf("per-queue read counters wrong in memcache stats: %v", want)
	}
	_, txt := fetch(t, url+"/stats.txt")
	_, js := fetch(t, url+"/stats.json")
	for page, got := range map[string]map[string]string{
		"stats.txt": parseStatsText(t, txt), "stats.json": parseStatsJSON(t, js),
	} {
		if len(got) != len(want) {
			t.Errorf("%s has %d figures, memcache stats %d", page, len(got), len(want))
		}
		for name, value := range want {
			key := ostrichName(name, []string{"work", "idle"})
			if v, ok := got[key]; !ok {
				t.Errorf("%s lacks %s (memcache %s)", page, key, name)
			} else if v != value && !isMoving(name) {
				t.Errorf("%s: %s = %s, memcache stats %s = %s", page, key, v, name, value)
			}
		}
	}
	if !strings.Contains(txt, "\n  q/work/items: 1\n") {
		t.Errorf("stats.txt lacks the line q/work/items: 1:\n%s", txt)
	}
}

// metricsSeries maps each per-queue series to the memcache stat it shows.
var metricsSeries = map[string]string{
	"kestrel_queue_items":                      "items",
	"kestrel_queue_bytes":                      "bytes",
	"kestrel_queue_memory_bytes":               "mem_bytes",
	"kestrel_queue_journal_bytes":              "logsize",
	"kestrel_queue_open_transactions":          "open_transactions",
	"kestrel_queue_waiters":                    "waiters",
	"kestrel_queue_puts_total":                 "total_items",
	"kestrel_queue_gets_total":                 "cmd_get",
	"kestrel_queue_peeks_total":                "cmd_peek",
	"kestrel_queue_get_hits_total":             "get_hits",
	"kestrel_queue_get_misses_total":           "get_misses",
	"kestrel_queue_expired_total":              "expired_items",
	"kestrel_queue_discarded_total":            "discarded",
	"kestrel_queue_flushes_total":              "total_flushes",
	"kestrel_queue_journal_write_errors_total": "journal_write_errors",
}

func TestMetricsParseAndMatchMemcacheStats(t *testing.T) {
	srv, url := startAdmin(t, memcachetest.Config(t))
	c := memcachetest.Dial(t, srv.Addr)
	someTraffic(t, c)
	want := c.Stats()
	code, body := fetch(t, url+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d\n%s", code, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse as Prometheus text: %v\n%s", err, body)
	}
	for series, stat := range metricsSeries {
		for _, queue := range []string{"work", "idle"} {
			got, ok := sample(families, series, queue)
			if !ok {
				t.Errorf("/metrics lacks %s{queue=%q}", series, queue)
				continue
			}
			if w := want["queue_"+queue+"_"+stat]; strconv.FormatFloat(got, 'f', -1, 64) != w {
				t.Errorf("%s{queue=%q} = %v, memcache stats %s = %s", series, queue, got, stat, w)
			}
		}
	}
	if got, _ := sample(families, "kestrel_connections", ""); strconv.FormatFloat(got, 'f', -1, 64) != want["curr_connections"] {
		t.Errorf("kestrel_connections = %v, curr_connections = %s", got, want["curr_connections"])
	}
	for _, name := range []string{"kestrel_queue_head_age_seconds", "kestrel_connections_opened_total", "go_goroutines"} {
		if families[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

// sample finds the value of the series name labelled queue="queue" (any
// labels when queue is "").
func sample(families map[string]*dto.MetricFamily, name, queue string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		if queue != "" && labelValue(m, "queue") != queue {
			continue
		}
		switch {
		case m.GetGauge() != nil:
			return m.GetGauge().GetValue(), true
		case m.GetCounter() != nil:
			return m.GetCounter().GetValue(), true
		}
	}
	return 0, false
}

func labelValue(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func TestJournalFsyncsInMetrics(t *testing.T) {
	cfg := memcachetest.Config(t)
	cfg.Default.SyncJournal = config.SyncPolicy{} // fsync before each reply
	srv, url := startAdmin(t, cfg)
	memcachetest.Dial(t, srv.Addr).MustSet("work", "x")
	parser := expfmt.NewTextParser(model.UTF8Validation)
	_, body := fetch(t, url+"/metrics")
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	h := families["kestrel_journal_fsync_duration_seconds"]
	if h == nil || h.GetMetric()[0].GetHistogram().GetSampleCount() == 0 {
		t.Fatalf("no fsync in kestrel_journal_fsync_duration_seconds:\n%s", body)
	}
}

func TestHealthzTurns503WhenQuiescent(t *testing.T) {
	srv, url := startAdmin(t, memcachetest.Config(t))
	c := memcachetest.Dial(t, srv.Addr)
	for _, step := range []struct {
		status string
		code   int
	}{{"", 200}, {"read_only", 200}, {"quiescent", 503}, {"up", 200}} {
		if step.status != "" {
			if got := c.Do("status " + step.status); got != "END" {
				t.Fatalf("status %s: %q", step.status, got)
			}
		}
		wiretest.WaitFor(t, fmt.Sprintf("/healthz to answer %d after status %q", step.code, step.status), func() bool {
			code, _ := fetch(t, url+"/healthz")
			return code == step.code
		})
	}
}

func TestPprofOnlyWhenConfigured(t *testing.T) {
	for _, on := range []bool{false, true} {
		cfg := memcachetest.Config(t)
		cfg.AdminPprof = on
		_, url := startAdmin(t, cfg)
		want := http.StatusNotFound
		if on {
			want = http.StatusOK
		}
		if code, _ := fetch(t, url+"/debug/pprof/"); code != want {
			t.Errorf("admin_pprof %v: /debug/pprof/ answered %d, want %d", on, code, want)
		}
	}
}
