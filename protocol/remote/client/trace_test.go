package client_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/kestrel-go/kestrel/protocol/remote/remotetest"
)

// collector is an OTLP/HTTP trace receiver that keeps every span.
type collector struct {
	mu    sync.Mutex
	spans []spanSeen
}

type spanSeen struct {
	name            string
	trace, parentID []byte
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
	c.mu.Lock()
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				c.spans = append(c.spans, spanSeen{s.GetName(), s.GetTraceId(), s.GetParentSpanId()})
			}
		}
	}
	c.mu.Unlock()
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func (c *collector) find(name string, traceID trace.TraceID, parent trace.SpanID) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.spans {
		if s.name == name && bytes.Equal(s.trace, traceID[:]) && bytes.Equal(s.parentID, parent[:]) {
			return true
		}
	}
	return false
}

func TestServerSpanJoinsTheClientsTrace(t *testing.T) {
	col := &collector{}
	otlp := httptest.NewServer(col)
	defer otlp.Close()
	srv := remotetest.Spawn(t, "OTEL_EXPORTER_OTLP_ENDPOINT="+otlp.URL, "OTEL_BSP_SCHEDULE_DELAY=50")
	c := newClient(t, srv.Addr)

	traceID := trace.TraceID{0x4b, 0x65, 0x73, 0x74, 0x72, 0x65, 0x6c, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	spanID := trace.SpanID{0xca, 0x11, 0xe5, 1, 2, 3, 4, 5}
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: traceID, SpanID: spanID, TraceFlags: trace.FlagsSampled,
	}))
	if _, err := c.Put(ctx, "traced", []byte("x")); err != nil {
		t.Fatal(err)
	}
	remotetest.Await(t, 20*time.Second, func() bool { return col.find("put", traceID, spanID) })
}
