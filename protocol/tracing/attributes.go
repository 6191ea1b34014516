package tracing

import "go.opentelemetry.io/otel/attribute"

// The attributes of the server's spans.
const (
	Queue   = attribute.Key("queue")   // the queue's name
	Bytes   = attribute.Key("bytes")   // item bytes stored or handed out
	Outcome = attribute.Key("outcome") // stored, not_stored, hit, miss, confirmed, timeout, ...
	Items   = attribute.Key("items")   // items handed out by a monitor
)
