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
	hit   bool       // op handed out an item
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
	ctx, span := tracing.Tracer().Start(context.Background(), name, trace.WithSpanKind(trace.SpanKindServer))
	if span.IsRecording() {
		// Built only for the sampled few: most spans are dropped unseen.
		span.SetAttributes(requestAttributes(req)...)
	}
	c.trace.op, c.trace.noted, c.trace.hit = span, false, false
	before := c.openReadsBefore(req.Queue)
	mark := len(c.Out)
	c.handle(req)
	c.traceTxns(ctx, req, before)
	if !c.trace.noted && mark <= len(c.Out) {
		span.SetAttributes(tracing.Outcome.String(replyOutcome(c.Out[mark:])))
	}
	span.End()
	c.trace.op = nil
}

// openReadsBefore is how many reads the session holds on queue before a
// request, once the reads open_transaction_timeout returned since the
// queue was last touched have ended their spans.
func (c *conn) openReadsBefore(queue string) int {
	if queue == "" {
		return 0
	}
	c.settleTxns(queue, "timeout")
	return c.sess.OpenReads(queue)
}

// traceTxns ends the spans of the reads a request closed and starts those
// of the reads it opened.
func (c *conn) traceTxns(ctx context.Context, req *Request, before int) {
	if req.Queue == "" {
		return
	}
	after := c.sess.OpenReads(req.Queue)
	opened := c.readsOpened(req, before, after)
	c.endTxns(req.Queue, before+opened-after, settledAs(req))
	c.startTxns(ctx, req.Queue, opened)
	if req.Cmd == CmdMonitor {
		c.trace.op.SetAttributes(tracing.Items.Int(opened))
	}
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
func replyOutcome(reply []byte) string {
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
	c.trace.noted, c.trace.hit = true, found
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

// readsOpened is how many reads a request opened, given how many the
// session held on its queue before and after: a get/close/open may both
// confirm one and open one.
func (c *conn) readsOpened(req *Request, before, after int) int {
	switch req.Cmd {
	case CmdGet:
		if req.Open && c.trace.hit {
			return 1
		}
		return 0
	case CmdMonitor:
		return max(0, after-before)
	}
	return 0
}

// settleTxns ends the spans of open reads the session let go of on its
// own (open_transaction_timeout).
func (c *conn) settleTxns(queue, outcome string) {
	c.endTxns(queue, len(c.trace.txns[queue])-c.sess.OpenReads(queue), outcome)
}

// endTxns ends the spans of the n oldest open reads on queue, as the
// session lets reads go oldest first.
func (c *conn) endTxns(queue string, n int, outcome string) {
	spans := c.trace.txns[queue]
	for ; n > 0 && len(spans) > 0; n-- {
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

// startTxns starts n transaction spans on queue, children of the
// request's span; each lasts until its read is confirmed, aborted, timed
// out or dropped with its connection.
func (c *conn) startTxns(ctx context.Context, queue string, n int) {
	if n <= 0 {
		return
	}
	if c.trace.txns == nil {
		c.trace.txns = make(map[string][]trace.Span)
	}
	for range n {
		_, span := tracing.Tracer().Start(ctx, "transaction", trace.WithAttributes(tracing.Queue.String(queue)))
		c.trace.txns[queue] = append(c.trace.txns[queue], span)
	}
}

// endAllTxns ends the spans of the reads still open when the client goes:
// the session returns them to their queues.
func (c *conn) endAllTxns() {
	for queue, spans := range c.trace.txns {
		c.settleTxns(queue, "timeout")
		c.endTxns(queue, len(spans), "disconnected")
	}
	c.trace.txns = nil
}
