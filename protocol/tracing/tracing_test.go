package tracing_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/protobuf/proto"

	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/internal/wiretest"
	"github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
	"github.com/kestrel-go/kestrel/protocol/text/texttest"
	"github.com/kestrel-go/kestrel/protocol/tracing"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// span is what the receiver keeps of a span: its name and attributes.
type span struct {
	name  string
	attrs map[string]string
}

// receiver is an OTLP/HTTP trace collector: it decodes every export.
type receiver struct {
	mu    sync.Mutex
	spans []span
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/traces" {
		http.NotFound(w, r)
		return
	}
	body := io.Reader(r.Body)
	if r.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = gz
	}
	raw, err := io.ReadAll(body)
	var req coltracepb.ExportTraceServiceRequest
	if err == nil {
		err = proto.Unmarshal(raw, &req)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.keep(&req)
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func (rc *receiver) keep(req *coltracepb.ExportTraceServiceRequest) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				rc.spans = append(rc.spans, span{name: s.GetName(), attrs: attrMap(s.GetAttributes())})
			}
		}
	}
}

func attrMap(kvs []*commonpb.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		v := kv.GetValue()
		switch {
		case v.GetStringValue() != "":
			m[kv.GetKey()] = v.GetStringValue()
		default:
			m[kv.GetKey()] = strings.TrimSpace(strings.Trim(v.String(), "{}"))
		}
	}
	return m
}

// waitFor polls until a span named name with the attributes want arrives.
func (rc *receiver) waitFor(t *testing.T, name string, want map[string]string) {
	t.Helper()
	defer func() {
		if t.Failed() {
			rc.mu.Lock()
			defer rc.mu.Unlock()
			t.Logf("spans received: %v", rc.spans)
		}
	}()
	wiretest.WaitFor(t, fmt.Sprintf("a %q span with %v at the collector", name, want), func() bool {
		return rc.has(name, want)
	})
}

func (rc *receiver) has(name string, want map[string]string) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
next:
	for _, s := range rc.spans {
		if s.name != name {
			continue
		}
		for k, v := range want {
			if !strings.Contains(s.attrs[k], v) {
				continue next
			}
		}
		return true
	}
	return false
}

// startTracing points OpenTelemetry's standard environment at a new
// receiver and turns tracing on until the test ends.
func startTracing(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{}
	collector := httptest.NewServer(rc)
	t.Cleanup(collector.Close)
	t.Setenv("OTEL_TRACES_EXPORTER", "otlp")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector.URL)
	t.Setenv("OTEL_TRACES_SAMPLER", "always_on")
	t.Setenv("OTEL_BSP_SCHEDULE_DELAY", "20") // ms: export soon, not every 5 s
	shutdown, err := tracing.Start(context.Background(), quiet)
	if err != nil {
		t.Fatalf("tracing.Start: %v", err)
	}
	t.Cleanup(func() { _ = shutdown(context.Background()) })
	if !tracing.Enabled() {
		t.Fatal("tracing off with OTEL_TRACES_EXPORTER=otlp")
	}
	return rc
}

func TestSetAndGetSpansReachCollector(t *testing.T) {
	rc := startTracing(t)
	srv := memcachetest.Start(t, memcachetest.Config(t))
	c := memcachetest.Dial(t, srv.Addr)
	c.MustSet("work", "hello")
	c.MustGet("work", "hello")
	c.MustBeEmpty("work")
	rc.waitFor(t, "set", map[string]string{"queue": "work", "outcome": "stored", "bytes": "5"})
	rc.waitFor(t, "get", map[string]string{"queue": "work", "outcome": "hit", "bytes": "5"})
	rc.waitFor(t, "get", map[string]string{"queue": "work", "outcome": "miss"})
}

func TestTransactionSpanFromOpenToClose(t *testing.T) {
	rc := startTracing(t)
	srv := memcachetest.Start(t, memcachetest.Config(t))
	c := memcachetest.Dial(t, srv.Addr)
	c.MustSet("jobs", "a")
	c.MustSet("jobs", "b")
	c.MustGet("jobs/open", "a")
	c.MustGet("jobs/close/open", "b")
	c.MustBeEmpty("jobs/abort") // b goes back to the queue; the reply is END
	rc.waitFor(t, "transaction", map[string]string{"queue": "jobs", "outcome": "confirmed"})
	rc.waitFor(t, "transaction", map[string]string{"queue": "jobs", "outcome": "aborted"})
	rc.waitFor(t, "get", map[string]string{"queue": "jobs", "open": "true", "close": "true"})
}

func TestJournalFsyncSpans(t *testing.T) {
	rc := startTracing(t)
	cfg := memcachetest.Config(t)
	cfg.Default.SyncJournal = config.SyncPolicy{} // fsync before each reply
	srv := memcachetest.Start(t, cfg)
	srv.Queues.AddJournalObserver(tracing.JournalSpans{})
	memcachetest.Dial(t, srv.Addr).MustSet("durable", "x")
	rc.waitFor(t, "journal.fsync", map[string]string{"queue": "durable"})
}

func TestOffUnlessConfigured(t *testing.T) {
	for _, key := range []string{"OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"} {
		t.Setenv(key, "")
	}
	shutdown, err := tracing.Start(context.Background(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(context.Background())
	if tracing.Enabled() {
		t.Fatal("tracing on with no OTEL_ variable set")
	}
}

func TestUnknownExporterNamesVariable(t *testing.T) {
	t.Setenv("OTEL_TRACES_EXPORTER", "zipkinn")
	_, err := tracing.Start(context.Background(), quiet)
	if err == nil || !strings.Contains(err.Error(), "OTEL_TRACES_EXPORTER") || !strings.Contains(err.Error(), "zipkinn") {
		t.Fatalf("got %v, want an error naming OTEL_TRACES_EXPORTER and zipkinn", err)
	}
}

func TestTransactionSpanEndsOnTimeoutAndHangUp(t *testing.T) {
	rc := startTracing(t)
	cfg := memcachetest.Config(t)
	slow := cfg.Default
	slow.OpenTransactionTimeout = 20 * time.Millisecond
	cfg.Queues = map[string]config.Queue{"slow": slow} // "held" keeps reads open
	srv := memcachetest.Start(t, cfg)
	c := memcachetest.Dial(t, srv.Addr)
	c.MustSet("slow", "a")
	c.MustSet("held", "b")
	c.MustGet("slow/open", "a")
	wiretest.WaitFor(t, "the read to time out", func() bool { return queueStat(srv, "slow", "items") == "1" })
	// The next request on the queue sees the read went back by itself.
	if got := c.Do("get slow/close"); got != "END" {
		t.Fatalf("get slow/close: %q", got)
	}
	rc.waitFor(t, "transaction", map[string]string{"queue": "slow", "outcome": "timeout"})
	c.MustGet("held/open", "b")
	c.Close()
	rc.waitFor(t, "transaction", map[string]string{"queue": "held", "outcome": "disconnected"})
}

func queueStat(srv *memcachetest.Server, queue, name string) string {
	for _, q := range srv.Queues.Report().Queues {
		for _, st := range q.Stats {
			if q.Name == queue && st.Name == name {
				return st.Value
			}
		}
	}
	return ""
}

func TestTextProtocolSpansReachCollector(t *testing.T) {
	rc := startTracing(t)
	srv := texttest.Start(t, memcachetest.Config(t))
	c := texttest.Dial(t, srv.Addr)
	c.MustPut("lines", "one", "two")
	if got := c.Do("get lines"); got != ":one" {
		t.Fatalf("get: %q", got)
	}
	rc.waitFor(t, "put", map[string]string{"queue": "lines", "protocol": "text", "items": "2", "bytes": "6", "outcome": "ok"})
	rc.waitFor(t, "get", map[string]string{"queue": "lines", "protocol": "text", "outcome": "hit"})
}
