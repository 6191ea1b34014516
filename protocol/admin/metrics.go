package admin

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/otlptranslator"
	"go.opentelemetry.io/otel/attribute"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/protocol/tracing"
)

// Metrics is /metrics: OpenTelemetry instruments read by the Prometheus
// exporter. The queue figures are observed at scrape time from the same
// atomic stats that `stats` prints, so counting them costs the requests
// nothing; only journal fsync latencies are recorded as they happen (it is
// a JournalObserver).
type Metrics struct {
	sys      *actors.System
	provider *sdkmetric.MeterProvider
	handler  http.Handler

	queue       map[string]metric.Float64Observable // by stat name
	connections metric.Int64ObservableGauge
	opened      metric.Int64ObservableCounter
	fsync       metric.Float64Histogram
}

// NewMetrics builds the instruments for sys.
func NewMetrics(sys *actors.System) (*Metrics, error) {
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	exporter, err := otelprom.New(otelprom.WithRegisterer(registry),
		otelprom.WithTranslationStrategy(otlptranslator.UnderscoreEscapingWithSuffixes),
		otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return nil, fmt.Errorf("metrics: prometheus exporter: %w", err)
	}
	m := &Metrics{
		sys:      sys,
		provider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter)),
		handler:  promhttp.HandlerFor(registry, promhttp.HandlerOpts{}),
		queue:    make(map[string]metric.Float64Observable),
	}
	if err := m.instruments(m.provider.Meter(tracing.ScopeName)); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return m, nil
}

// Handler serves the Prometheus text format.
func (m *Metrics) Handler() http.Handler { return m.handler }

// Shutdown stops the instruments.
func (m *Metrics) Shutdown(ctx context.Context) error { return m.provider.Shutdown(ctx) }

// fsyncBuckets span a page-cache hit to a stalled disk, in seconds.
var fsyncBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

func (m *Metrics) instruments(meter metric.Meter) error {
	var observables []metric.Observable
	for _, f := range queueFigures {
		inst, err := f.instrument(meter)
		if err != nil {
			return err
		}
		m.queue[f.stat] = inst
		observables = append(observables, inst)
	}
	var err error
	if m.connections, err = meter.Int64ObservableGauge("kestrel.connections",
		metric.WithUnit("{connection}"), metric.WithDescription("Client connections open now.")); err != nil {
		return err
	}
	if m.opened, err = meter.Int64ObservableCounter("kestrel.connections.opened",
		metric.WithUnit("{connection}"), metric.WithDescription("Client connections opened since start.")); err != nil {
		return err
	}
	if m.fsync, err = meter.Float64Histogram("kestrel.journal.fsync.duration", metric.WithUnit("s"),
		metric.WithDescription("Time taken by each journal fdatasync."),
		metric.WithExplicitBucketBoundaries(fsyncBuckets...)); err != nil {
		return err
	}
	_, err = meter.RegisterCallback(m.observe, append(observables, m.connections, m.opened)...)
	return err
}

// observe reads one report for every figure, so one scrape is consistent
// with one `stats`.
func (m *Metrics) observe(_ context.Context, o metric.Observer) error {
	report := m.sys.Report()
	for _, q := range report.Queues {
		at := metric.WithAttributeSet(attribute.NewSet(tracing.Queue.String(q.Name)))
		values := statValues(q.Stats)
		for _, f := range queueFigures {
			o.ObserveFloat64(m.queue[f.stat], float64(values[f.stat])*f.scale, at)
		}
	}
	global := statValues(report.Global)
	o.ObserveInt64(m.connections, global["curr_connections"])
	o.ObserveInt64(m.opened, global["total_connections"])
	return nil
}

// JournalSynced records the fsync's latency.
func (m *Metrics) JournalSynced(_ string, _ time.Time, d time.Duration, _ error) {
	m.fsync.Record(context.Background(), d.Seconds())
}

// JournalPacked records nothing: packs are counted by journal_rewrites.
func (m *Metrics) JournalPacked(string, time.Time, time.Duration, error) {}

// JournalWriteFailed records nothing: the queue counts its
// journal_write_errors, which the queue figures show.
func (m *Metrics) JournalWriteFailed(string, error) {}
