package tracing

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

var errUnknownExporter = errors.New("unknown exporter")

// exportersFromEnv reads OTEL_TRACES_EXPORTER, a comma-separated list of
// otlp, console and none. Unlike the SDK's default of otlp, an unset
// variable means no tracing, unless an OTLP endpoint is set: a server
// nobody asked to trace sends nothing anywhere.
func exportersFromEnv(ctx context.Context) ([]sdktrace.SpanExporter, error) {
	if strings.EqualFold(strings.TrimSpace(os.Getenv("OTEL_SDK_DISABLED")), "true") {
		return nil, nil
	}
	names := strings.TrimSpace(os.Getenv("OTEL_TRACES_EXPORTER"))
	if names == "" && (os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "") {
		names = "otlp"
	}
	var out []sdktrace.SpanExporter
	for _, name := range strings.Split(names, ",") {
		e, err := newExporter(ctx, strings.ToLower(strings.TrimSpace(name)))
		if err != nil {
			return nil, err
		}
		if e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}

func newExporter(ctx context.Context, name string) (sdktrace.SpanExporter, error) {
	switch name {
	case "", "none":
		return nil, nil
	case "console":
		return stdouttrace.New()
	case "otlp":
		return newOTLPExporter(ctx)
	}
	return nil, fmt.Errorf("OTEL_TRACES_EXPORTER: %w %q (want otlp, console or none)", errUnknownExporter, name)
}

// newOTLPExporter picks the OTLP transport from
// OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL
// (http/protobuf by default, as the specification says); the exporter reads
// its endpoint, headers, timeout and TLS settings from the environment.
func newOTLPExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	key := "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"
	protocol := os.Getenv(key)
	if protocol == "" {
		key = "OTEL_EXPORTER_OTLP_PROTOCOL"
		protocol = os.Getenv(key)
	}
	var (
		e   sdktrace.SpanExporter
		err error
	)
	switch strings.TrimSpace(protocol) {
	case "", "http/protobuf":
		e, err = otlptracehttp.New(ctx)
	case "grpc":
		e, err = otlptracegrpc.New(ctx)
	default:
		return nil, fmt.Errorf("%s: unsupported protocol %q (want http/protobuf or grpc)", key, protocol)
	}
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
	}
	return e, nil
}
