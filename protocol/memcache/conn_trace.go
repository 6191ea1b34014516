package memcache

import (
	"bytes"
	"context"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/kestrel-go/kestrel/protocol/tracing"
)

// connTrace is one connection's tracing state. While tracing is off it
// stays zero and nothing but tracing.Enabled is ever called.
type connTrace struct {
	op    trace.Span // the request being handled
	noted bool       // op's outcome is set
	// txns are the spans of this connection's open reads, per queue,
	// oldest first, as the session holds the reads.
	txns map[string][]trace.Span
}

// serve handles one request, inside a span when tracing is on.
func (c *conn) serve(req *Request) {
	if !tracing.Enabled() {
		c.handle(req)
		return
	}
	name := spanName(req)
	if name == "" {
		c.handle(req)
		return
	}
	c.handleTraced(req, name)
}

// spanName names the operations worth a span; the operator's commands
// (stats, status, ...) get none.
func spanName(req *Request) string {
	switch req.Cmd {
	case CmdGet:
		if req.Abort {
			return "abort"
		}
		return "get"
	case CmdSet:
		return "set"
	case CmdConfirm:
		return "confirm"
	case CmdMonitor:
		return "monitor"
	case CmdFlush:
		return "flush"
	case CmdFlushAll:
		return "flush_all"
	case CmdDelete:
		return "delete"
	}
	return ""
}

func (c *conn) handleTraced(req *Request, name string) {
	ctx, span := tracing.Tracer().Start(context.Background(), name,
		trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(requestAttributes(req)...))
	c.trace.op, c.trace.noted = span, false
	if req.Queue != "" {
		// Reads the open_transaction_timeout returned since this queue was
		// last touched.
		c.settleTxns(req.Queue, "timeout")
	}
	mark := len(c.out)
	c.handle(req)
	if req.Queue != "" {
		c.settleTxns(req.Queue, settledAs(req))
		if n := c.openTxns(ctx, req.Queue); req.Cmd == CmdMonitor {
			span.SetAttributes(tracing.Items.Int(n))
		}
	}
	if !c.trace.noted && mark <= len(c.out) {
		span.SetAttributes(tracing.Outcome.String(replyOutcome(req, c.out[mark:])))
	}
	span.End()
	c.trace.op = nil
}

func requestAttributes(req *Request) []attribute.KeyValue {
	attrs := []attribute.KeyValue{tracing.Queue.String(req.Queue)}
	switch req.Cmd {
	case CmdSet:
		attrs = append(attrs, tracing.Bytes.Int(len(req.Data)))
	case CmdGet:
		attrs = append(attrs,
			attribute.Bool("open", req.Open), attribute.Bool("close", req.Close),
			attribute.Bool("abort", req.Abort), attribute.Bool("peek", req.Peek),
			attribute.Int64("timeout_ms", req.Timeout.Milliseconds()))
	}
	return attrs
}

// replyOutcome reads a request's outcome from the first word of its
// reply: STORED is "stored", END "ok", SERVER_ERROR "server_error".
func replyOutcome(req *Request, reply []byte) string {
	if len(reply) == 0 {
		return "noreply"
	}
	word, _, _ := bytes.Cut(reply, []byte{' '})
	word, _, _ = bytes.Cut(word, []byte("\r\n"))
	if string(word) == "END" {
		return "ok"
	}
	return strings.ToLower(string(word))
}

// traceItem notes what a get came to (its reply may already be written
// when it had to wait).
func (c *conn) traceItem(found bool, n int) {
	if c.trace.op == nil {
		return
	}
	c.trace.noted = true
	if !found {
		c.trace.op.SetAttributes(tracing.Outcome.String("miss"))
		return
	}
	c.trace.op.SetAttributes(tracing.Outcome.String("hit"), tracing.Bytes.Int(n))
}

// traceError marks the request's span failed.
func (c *conn) traceError(err error) {
	if c.trace.op == nil {
		return
	}
	c.trace.noted = true
	c.trace.op.RecordError(err)
	c.trace.op.SetStatus(codes.Error, err.Error())
	c.trace.op.SetAttributes(tracing.Outcome.String("error"))
}

// settledAs is what became of open reads that a request ended.
func settledAs(req *Request) string {
	switch {
	case req.Cmd == CmdDelete:
		return "deleted"
	case req.Abort:
		return "aborted"
	}
	return "confirmed"
}

// settleTxns ends the spans of open reads the session no longer holds on
// queue, oldest first, as the session lets them go.
func (c *conn) settleTxns(queue, outcome string) {
	spans := c.trace.txns[queue]
	open := c.sess.OpenReads(queue)
	for len(spans) > open {
		spans[0].SetAttributes(tracing.Outcome.String(outcome))
		spans[0].End()
		spans = spans[1:]
	}
	if len(spans) == 0 {
		delete(c.trace.txns, queue)
		return
	}
	c.trace.txns[queue] = spans
}

// openTxns starts a span, a child of the request's, for each read the
// request opened on queue, and says how many there were.
func (c *conn) openTxns(ctx context.Context, queue string) int {
	n := c.sess.OpenReads(queue) - len(c.trace.txns[queue])
	if n <= 0 {
		return 0
	}
	if c.trace.txns == nil {
		c.trace.txns = make(map[string][]trace.Span)
	}
	for range n {
		_, span := tracing.Tracer().Start(ctx, "transaction", trace.WithAttributes(tracing.Queue.String(queue)))
		c.trace.txns[queue] = append(c.trace.txns[queue], span)
	}
	return n
}

// endTxns ends the spans of the reads still open when the client goes:
// the session returns them to their queues.
func (c *conn) endTxns() {
	for queue := range c.trace.txns {
		c.settleTxns(queue, "timeout")
		for _, span := range c.trace.txns[queue] {
			span.SetAttributes(tracing.Outcome.String("disconnected"))
			span.End()
		}
	}
	c.trace.txns = nil
}
