package tracing

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// JournalSpans makes a span of every journal fsync and pack
// (actors.JournalObserver). The work is timed by the journal; the span is
// made afterwards with its times, so nothing is spent while tracing is off.
type JournalSpans struct{}

// JournalSynced makes a "journal.fsync" span.
func (JournalSpans) JournalSynced(queue string, start time.Time, d time.Duration, err error) {
	journalSpan("journal.fsync", queue, start, d, err)
}

// JournalPacked makes a "journal.pack" span.
func (JournalSpans) JournalPacked(queue string, start time.Time, d time.Duration, err error) {
	journalSpan("journal.pack", queue, start, d, err)
}

// JournalWriteFailed makes no span: the failure is in the logs and the
// metrics, and the fsync or request it broke carries the error.
func (JournalSpans) JournalWriteFailed(string, error) {}

func journalSpan(name, queue string, start time.Time, d time.Duration, err error) {
	if !Enabled() {
		return
	}
	_, span := Tracer().Start(context.Background(), name,
		trace.WithTimestamp(start), trace.WithAttributes(Queue.String(queue)))
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End(trace.WithTimestamp(start.Add(d)))
}
