package wire

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/asynkron/protoactor-go/remote"
	"github.com/vmihailenco/msgpack/v5"
)

// Message is any request or reply of the remote API. protoactor-go's
// endpoint writer turns it into an Envelope (Serialize) and the reader on
// the other side back into a Message (Envelope.Deserialize): a serializer
// registered with remote.RegisterSerializer is never used for sending.
type Message interface {
	remote.RootSerializable
	Head() *Header
}

// constructors maps each wire type name to a new empty message.
var constructors = map[string]func() Message{
	"put":              func() Message { return new(Put) },
	"get":              func() Message { return new(Get) },
	"confirm":          func() Message { return new(Confirm) },
	"abort":            func() Message { return new(Abort) },
	"peek":             func() Message { return new(Peek) },
	"flush_queue":      func() Message { return new(FlushQueue) },
	"flush_all_queues": func() Message { return new(FlushAllQueues) },
	"delete_queue":     func() Message { return new(DeleteQueue) },
	"current_status":   func() Message { return new(CurrentStatus) },
	"set_status":       func() Message { return new(SetStatus) },
	"get_version":      func() Message { return new(GetVersion) },
	"get_stats":        func() Message { return new(GetStats) },

	"count":        func() Message { return new(Count) },
	"items":        func() Message { return new(Items) },
	"queue_info":   func() Message { return new(QueueInfo) },
	"done":         func() Message { return new(Done) },
	"status_reply": func() Message { return new(StatusReply) },
	"version":      func() Message { return new(Version) },
	"stats":        func() Message { return new(Stats) },
	"fault":        func() Message { return new(Fault) },
}

// typeNames is constructors turned around.
var typeNames = func() map[reflect.Type]string {
	m := make(map[reflect.Type]string, len(constructors))
	for name, newMsg := range constructors {
		m[reflect.TypeOf(newMsg())] = name
	}
	return m
}()

// TypeName is the wire name of m's type, "" for a type not in the API.
func TypeName(m Message) string { return typeNames[reflect.TypeOf(m)] }

// Encode is m's Envelope.
func Encode(m Message) (*Envelope, error) {
	name := TypeName(m)
	if name == "" {
		return nil, fmt.Errorf("wire: %T is not a message of the remote API", m)
	}
	data, err := msgpack.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("wire: encode %s: %w", name, err)
	}
	return &Envelope{Type: name, Data: data}, nil
}

func encode(m Message) (remote.RootSerialized, error) { return Encode(m) }

// Malformed stands for a received envelope that is not a message of the
// API: an unknown type or data that does not decode. Its header is what
// could be read of the data, so the sender can still be answered.
type Malformed struct {
	Header
	Type string
	Err  error
}

var errLocalOnly = errors.New("wire: a Malformed is never sent")

// Serialize refuses: a Malformed exists only where it was received.
func (m *Malformed) Serialize() (remote.RootSerialized, error) { return nil, errLocalOnly }

// ErrUnknownType is a Malformed's error for a type name not in the API.
var ErrUnknownType = errors.New("unknown message type")

// Deserialize decodes the message inside the envelope. It never fails: an
// envelope that holds no valid message becomes a Malformed, for the
// receiver to answer, since an error here would make protoactor drop the
// whole connection.
func (e *Envelope) Deserialize() (remote.RootSerializable, error) {
	return Decode(e.GetType(), e.GetData()), nil
}

// Decode turns a wire type name and msgpack data into a Message, or a
// Malformed.
func Decode(typ string, data []byte) Message {
	newMsg, ok := constructors[typ]
	if !ok {
		return malformed(typ, data, ErrUnknownType)
	}
	if err := checkLengths(data); err != nil {
		return malformed(typ, data, err)
	}
	m := newMsg()
	if err := msgpack.Unmarshal(data, m); err != nil {
		return malformed(typ, data, err)
	}
	return m
}

func malformed(typ string, data []byte, err error) *Malformed {
	m := &Malformed{Type: typ, Err: err}
	if checkLengths(data) == nil {
		_ = msgpack.Unmarshal(data, &m.Header) // best effort, for the ReqID
	}
	return m
}

// Serialize implements remote.RootSerializable for every message.
func (m *Put) Serialize() (remote.RootSerialized, error)            { return encode(m) }
func (m *Get) Serialize() (remote.RootSerialized, error)            { return encode(m) }
func (m *Confirm) Serialize() (remote.RootSerialized, error)        { return encode(m) }
func (m *Abort) Serialize() (remote.RootSerialized, error)          { return encode(m) }
func (m *Peek) Serialize() (remote.RootSerialized, error)           { return encode(m) }
func (m *FlushQueue) Serialize() (remote.RootSerialized, error)     { return encode(m) }
func (m *FlushAllQueues) Serialize() (remote.RootSerialized, error) { return encode(m) }
func (m *DeleteQueue) Serialize() (remote.RootSerialized, error)    { return encode(m) }
func (m *CurrentStatus) Serialize() (remote.RootSerialized, error)  { return encode(m) }
func (m *SetStatus) Serialize() (remote.RootSerialized, error)      { return encode(m) }
func (m *GetVersion) Serialize() (remote.RootSerialized, error)     { return encode(m) }
func (m *GetStats) Serialize() (remote.RootSerialized, error)       { return encode(m) }
func (m *Count) Serialize() (remote.RootSerialized, error)          { return encode(m) }
func (m *Items) Serialize() (remote.RootSerialized, error)          { return encode(m) }
func (m *QueueInfo) Serialize() (remote.RootSerialized, error)      { return encode(m) }
func (m *Done) Serialize() (remote.RootSerialized, error)           { return encode(m) }
func (m *StatusReply) Serialize() (remote.RootSerialized, error)    { return encode(m) }
func (m *Version) Serialize() (remote.RootSerialized, error)        { return encode(m) }
func (m *Stats) Serialize() (remote.RootSerialized, error)          { return encode(m) }
func (m *Fault) Serialize() (remote.RootSerialized, error)          { return encode(m) }
