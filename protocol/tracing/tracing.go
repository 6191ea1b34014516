// Package tracing sends OpenTelemetry traces of the server's work when
// OpenTelemetry's standard environment asks for them (OTEL_TRACES_EXPORTER,
// OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER, ...), and costs nothing
// measurable when it does not: code on a hot path checks Enabled, one
// atomic load, before it makes a span. Even a no-op tracer costs about
// 200 ns a span; the check costs under 1 ns.
package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdkresource "go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/kestrel-go/kestrel/actors"
)

// ScopeName names the instrumentation in every span and metric.
const ScopeName = "github.com/kestrel-go/kestrel"

var (
	enabled atomic.Bool
	tracer  atomic.Pointer[trace.Tracer]
)

// Enabled says whether spans are being sent. Check it before making one.
func Enabled() bool { return enabled.Load() }

// Tracer makes the server's spans; only meaningful while Enabled.
func Tracer() trace.Tracer {
	if t := tracer.Load(); t != nil {
		return *t
	}
	return noop.NewTracerProvider().Tracer(ScopeName)
}

// Start turns tracing on when the environment configures an exporter, and
// returns the function that flushes the spans still buffered and turns it
// off again. With nothing configured it does nothing and shutdown is a
// no-op. A bad setting is an error naming the variable.
func Start(ctx context.Context, log *slog.Logger) (shutdown func(context.Context) error, err error) {
	// OpenTelemetry's own errors (a collector that cannot be reached, a
	// metric callback that failed) go to our log, not the standard one.
	otel.SetErrorHandler(newErrorHandler(log, time.Minute))
	exporters, err := exportersFromEnv(ctx)
	if err != nil || len(exporters) == 0 {
		return func(context.Context) error { return nil }, err
	}
	res, err := sdkresource.New(ctx,
		sdkresource.WithAttributes(
			attribute.String("service.name", "kestrel"),
			attribute.String("service.version", actors.Version)),
		sdkresource.WithFromEnv(), // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
		sdkresource.WithTelemetrySDK(),
		sdkresource.WithHost())
	if err != nil {
		return nil, fmt.Errorf("tracing: resource (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES): %w", err)
	}
	// The sampler comes from OTEL_TRACES_SAMPLER(_ARG), batching from
	// OTEL_BSP_*: the SDK reads them itself.
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	for _, e := range exporters {
		opts = append(opts, sdktrace.WithBatcher(e))
	}
	provider := sdktrace.NewTracerProvider(opts...)
	t := provider.Tracer(ScopeName, trace.WithInstrumentationVersion(actors.Version))
	tracer.Store(&t)
	enabled.Store(true)
	log.Info("tracing on", "exporters", len(exporters))
	return func(ctx context.Context) error {
		enabled.Store(false)
		if err := provider.Shutdown(ctx); err != nil {
			return fmt.Errorf("tracing: flush spans on shutdown: %w", err)
		}
		return nil
	}, nil
}

// errorHandler logs OpenTelemetry's own errors, such as a collector that
// cannot be reached, once per period at most: the SDK reports one per
// failed export.
type errorHandler struct {
	log        *slog.Logger
	period     time.Duration
	next       atomic.Int64 // unix ns before which errors are only counted
	suppressed atomic.Int64
}

func newErrorHandler(log *slog.Logger, period time.Duration) *errorHandler {
	return &errorHandler{log: log, period: period}
}

func (h *errorHandler) Handle(err error) {
	now := time.Now().UnixNano()
	next := h.next.Load()
	if now < next || !h.next.CompareAndSwap(next, now+int64(h.period)) {
		h.suppressed.Add(1)
		return
	}
	h.log.Warn("opentelemetry error", "err", err, "similar_errors_since_last",
		h.suppressed.Swap(0), "quiet_for", h.period)
}
