package wire

// Status is a server status, numbered as kestrel.thrift's Status enum.
type Status int32

// The statuses of kestrel.thrift. Kestrel-Go's status is always
// configured, so the server never answers NotConfigured.
const (
	NotConfigured Status = 0
	Quiescent     Status = 1
	ReadOnly      Status = 2
	Up            Status = 3
)

func (s Status) String() string {
	switch s {
	case Quiescent:
		return "QUIESCENT"
	case ReadOnly:
		return "READONLY"
	case Up:
		return "UP"
	}
	return "NOT_CONFIGURED"
}

// Count answers Put, Confirm and Abort: how many items the operation took.
type Count struct {
	Header
	N int32 `msgpack:"n"`
}

// Item is one fetched item. ID names an open read for Confirm and Abort;
// it is 0 when the item was removed outright.
type Item struct {
	Data []byte `msgpack:"data"`
	ID   int64  `msgpack:"id,omitempty"`
}

// Items answers Get.
type Items struct {
	Header
	Items []Item `msgpack:"items"`
}

// QueueInfo answers Peek, with kestrel.thrift's fields.
type QueueInfo struct {
	Header
	HeadItem         []byte `msgpack:"head_item,omitempty"` // nil when empty
	Items            int64  `msgpack:"items"`
	Bytes            int64  `msgpack:"bytes"`
	JournalBytes     int64  `msgpack:"journal_bytes"`
	Age              int64  `msgpack:"age"` // ms the head item has waited
	Waiters          int32  `msgpack:"waiters"`
	OpenTransactions int32  `msgpack:"open_transactions"`
}

// Done answers the operations that return nothing.
type Done struct {
	Header
}

// StatusReply answers CurrentStatus.
type StatusReply struct {
	Header
	Status Status `msgpack:"status"`
}

// Version answers GetVersion.
type Version struct {
	Header
	Version string `msgpack:"version"`
}

// Stat is one named figure.
type Stat struct {
	Name  string `msgpack:"name"`
	Value string `msgpack:"value"`
}

// QueueStats are one queue's figures.
type QueueStats struct {
	Name  string `msgpack:"name"`
	Stats []Stat `msgpack:"stats"`
}

// Stats answers GetStats.
type Stats struct {
	Header
	Global []Stat       `msgpack:"global"`
	Queues []QueueStats `msgpack:"queues"`
}

// Fault is the answer to any request that failed: Code says what kind of
// failure (one of the Code constants), Message the details.
type Fault struct {
	Header
	Code    string `msgpack:"code"`
	Message string `msgpack:"message"`
	// Status is the server status that refused the request, with
	// CodeStatus.
	Status Status `msgpack:"status,omitempty"`
}

// The codes of a Fault.
const (
	CodeBadRequest   = "bad_request"    // malformed, unknown or out-of-range request
	CodeBadQueueName = "bad_queue_name" // a queue name that cannot exist
	CodeTooLarge     = "too_large"      // over the server's batch or byte limits
	CodeStatus       = "status"         // refused by the server status; retry elsewhere
	CodeTooManyOpen  = "too_many_open"  // the session holds too many open reads
	CodeBusy         = "busy"           // too many connections or sessions
	CodeAuth         = "auth"           // not logged in, bad credentials, or not an admin
	CodeInternal     = "internal"       // the server failed; the queue is unchanged
)

func (f *Fault) Error() string {
	if f.Code == CodeStatus {
		return f.Status.String()
	}
	return f.Code + ": " + f.Message
}
