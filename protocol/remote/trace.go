package remote

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
	"github.com/kestrel-go/kestrel/protocol/tracing"
)

// serveTraced runs a request inside a server span named for its operation
// ("put", "get", ...), a child of the trace context the client sent.
func (s *sessionActor) serveTraced(m wire.Message) wire.Message {
	ctx := context.Background()
	if tc := m.Head().Trace; len(tc) > 0 {
		ctx = propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier(tc))
	}
	_, span := tracing.Tracer().Start(ctx, wire.TypeName(m),
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("rpc.system", "protoactor"), tracing.Queue.String(queueOf(m))))
	defer span.End()
	reply := s.dispatch(m)
	switch r := reply.(type) {
	case *wire.Fault:
		span.SetStatus(codes.Error, r.Error())
		span.SetAttributes(tracing.Outcome.String(r.Code))
	case *wire.Items:
		span.SetAttributes(tracing.Items.Int(len(r.Items)))
	case *wire.Count:
		span.SetAttributes(tracing.Items.Int(int(r.N)))
	}
	return reply
}

// queueOf is the queue a request names, "" for server-wide requests.
func queueOf(m wire.Message) string {
	switch m := m.(type) {
	case *wire.Put:
		return m.Queue
	case *wire.Get:
		return m.Queue
	case *wire.Confirm:
		return m.Queue
	case *wire.Abort:
		return m.Queue
	case *wire.Peek:
		return m.Queue
	case *wire.FlushQueue:
		return m.Queue
	case *wire.DeleteQueue:
		return m.Queue
	}
	return ""
}
