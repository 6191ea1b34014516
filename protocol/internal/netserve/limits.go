package netserve

import (
	"time"

	"github.com/kestrel-go/kestrel/config"
)

// Limits bound how long a client may keep the server waiting on it. A
// connection is cheap while it waits (its goroutine and buffers), but it
// must not wait for ever on a client that stalls mid-request or stops
// reading its replies.
type Limits struct {
	// Idle is client_timeout: how long the server waits for a request to
	// begin; 0 is for ever.
	Idle time.Duration
	// Request is request_timeout: how long a request may take to arrive
	// whole once its first bytes came, so a client trickling a byte a
	// second cannot hold its connection; 0 falls back to Idle.
	Request time.Duration
	// Write is write_timeout: how long one write of replies (at most
	// writeChunk bytes) may wait for the client to make room; 0 is for
	// ever.
	Write time.Duration
}

// LimitsOf reads the limits from the configuration.
func LimitsOf(cfg *config.Config) Limits {
	return Limits{Idle: cfg.ClientTimeout, Request: cfg.RequestTimeout, Write: cfg.WriteTimeout}
}

// request is the limit on the rest of a request once it has begun.
func (l Limits) request() time.Duration {
	if l.Request > 0 {
		return l.Request
	}
	return l.Idle
}
