// Package wire holds the messages of Kestrel-Go's remote API: one request
// per operation of Kestrel's kestrel.thrift, their replies, and how they
// travel over protoactor-go remote (msgpack inside a protobuf Envelope).
// Both the server (protocol/remote) and the client
// (protocol/remote/client) use it.
package wire

// MaxBatch is the most items one Put may carry and one Get may ask for.
const MaxBatch = 1000

// Header is what every request and reply carries beside its operation.
type Header struct {
	// ReqID pairs a reply with its request; the server copies it.
	ReqID uint64 `msgpack:"req"`
	// Session numbers one of the client's sessions. Open reads belong to
	// the session that fetched them, and each session runs one request at
	// a time, so a client runs concurrent requests on distinct sessions.
	Session uint32 `msgpack:"session,omitempty"`
	// Trace is a W3C trace context (traceparent, tracestate): the
	// server's span for the request joins that trace.
	Trace map[string]string `msgpack:"trace,omitempty"`
	// User and Password log the session in, on a server with auth_users;
	// once it is logged in, they are not checked again.
	User     string `msgpack:"user,omitempty"`
	Password string `msgpack:"password,omitempty"`
}

// Head gives access to the header of any message.
func (h *Header) Head() *Header { return h }

// Put adds items to a queue (thrift put); the reply is a Count of the
// items stored, which is fewer than sent when the queue is full.
type Put struct {
	Header
	Queue string   `msgpack:"queue"`
	Items [][]byte `msgpack:"items"`
	// ExpirationMsec: items vanish unread after this long; 0 never.
	ExpirationMsec int32 `msgpack:"expiration_msec,omitempty"`
}

// Get fetches up to MaxItems items (thrift get); the reply is Items.
type Get struct {
	Header
	Queue    string `msgpack:"queue"`
	MaxItems int32  `msgpack:"max_items"`
	// TimeoutMsec: wait up to this long for MaxItems items; 0 takes only
	// what is there.
	TimeoutMsec int32 `msgpack:"timeout_msec,omitempty"`
	// AutoAbortMsec: when not 0 the items are open reads, returned to the
	// queue after this long unless confirmed; when 0 they are removed.
	AutoAbortMsec int32 `msgpack:"auto_abort_msec,omitempty"`
}

// Confirm removes open reads for good (thrift confirm); the reply is a
// Count of the ids this session held.
type Confirm struct {
	Header
	Queue string  `msgpack:"queue"`
	IDs   []int64 `msgpack:"ids"`
}

// Abort returns open reads to the head of their queue (thrift abort); the
// reply is a Count.
type Abort struct {
	Header
	Queue string  `msgpack:"queue"`
	IDs   []int64 `msgpack:"ids"`
}

// Peek describes a queue and shows its head item (thrift peek); the reply
// is a QueueInfo.
type Peek struct {
	Header
	Queue string `msgpack:"queue"`
}

// FlushQueue discards every item of a queue; the reply is Done.
type FlushQueue struct {
	Header
	Queue string `msgpack:"queue"`
}

// FlushAllQueues flushes every queue; the reply is Done.
type FlushAllQueues struct {
	Header
}

// DeleteQueue drops a queue and its journal; the reply is Done.
type DeleteQueue struct {
	Header
	Queue string `msgpack:"queue"`
}

// CurrentStatus asks the server status; the reply is a StatusReply.
type CurrentStatus struct {
	Header
}

// SetStatus changes the server status; the reply is Done.
type SetStatus struct {
	Header
	Status Status `msgpack:"status"`
}

// GetVersion asks the server version; the reply is a Version.
type GetVersion struct {
	Header
}

// GetStats asks every server-wide and per-queue figure, as the memcache
// `stats` command shows them; the reply is Stats. Not in kestrel.thrift:
// it serves `kestrel stats`.
type GetStats struct {
	Header
}
