package text

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/kestrel-go/kestrel/protocol/tracing"
)

// serve handles one request, inside a span when tracing is on and the
// request is a queue operation (the operator's commands get none).
func (c *conn) serve(req *Request) {
	if !tracing.Enabled() || req.Queue == "" {
		c.handle(req)
		return
	}
	_, span := tracing.Tracer().Start(context.Background(), req.Cmd.String(), trace.WithSpanKind(trace.SpanKindServer))
	if span.IsRecording() {
		span.SetAttributes(tracing.Queue.String(req.Queue), attribute.String("protocol", "text"))
		if req.Cmd == CmdPut {
			span.SetAttributes(tracing.Items.Int(len(req.Items)), tracing.Bytes.Int(itemBytes(req.Items)))
		}
	}
	mark := len(c.Out)
	c.handle(req)
	if span.IsRecording() && mark < len(c.Out) {
		span.SetAttributes(tracing.Outcome.String(replyOutcome(c.Out[mark])))
	}
	span.End()
}

func itemBytes(items [][]byte) int {
	n := 0
	for _, it := range items {
		n += len(it)
	}
	return n
}

// replyOutcome names a reply by its first byte.
func replyOutcome(first byte) string {
	switch first {
	case ':':
		return "hit"
	case '*':
		return "miss"
	case '-':
		return "error"
	}
	return "ok"
}
