package tracing_test

import (
	"context"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/kestrel-go/kestrel/protocol/tracing"
)

// requestSpan is what a traced set costs the connection: a span with the
// request's attributes (made only if sampled) and its outcome.
func requestSpan(tr trace.Tracer) {
	_, span := tr.Start(context.Background(), "set", trace.WithSpanKind(trace.SpanKindServer))
	if span.IsRecording() {
		span.SetAttributes(tracing.Queue.String("work"), tracing.Bytes.Int(1024))
	}
	span.SetAttributes(tracing.Outcome.String("stored"))
	span.End()
}

// BenchmarkRequestSpan compares what a request pays for tracing: off (the
// Enabled check alone), and on with a 1% sampler and with every span
// sampled, into an exporter that drops them.
func BenchmarkRequestSpan(b *testing.B) {
	b.Run("off", func(b *testing.B) {
		for range b.N {
			if tracing.Enabled() {
				requestSpan(tracing.Tracer())
			}
		}
	})
	for _, c := range []struct {
		name    string
		sampler sdktrace.Sampler
	}{{"sampled-1pct", sdktrace.TraceIDRatioBased(0.01)}, {"sampled-all", sdktrace.AlwaysSample()}} {
		b.Run(c.name, func(b *testing.B) {
			provider := sdktrace.NewTracerProvider(sdktrace.WithSampler(c.sampler),
				sdktrace.WithBatcher(tracetest.NewNoopExporter()))
			defer provider.Shutdown(context.Background())
			tr := provider.Tracer(tracing.ScopeName)
			b.ReportAllocs()
			for range b.N {
				requestSpan(tr)
			}
		})
	}
}
