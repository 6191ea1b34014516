package wire

import (
	"io"
	"log/slog"
	"testing"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func testGuard() *Guard {
	return &Guard{
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Types:   map[string]bool{EnvelopeType: true},
		Target:  func(id string) bool { return id == "kestrel" },
		Address: func() string { return "10.0.0.1:2229" },
	}
}

func TestGuardTurnsReaderPanicIntoStreamError(t *testing.T) {
	panicky := func(any, grpc.ServerStream) error { panic("nil dereference in the reader") }
	err := testGuard().stream(nil, nil, &grpc.StreamServerInfo{}, panicky)
	if status.Code(err) != codes.Internal {
		t.Fatalf("stream whose handler panicked: %v", err)
	}
}

func TestGuardKeepsOnlyDeliverableEnvelopes(t *testing.T) {
	b := &remote.MessageBatch{
		TypeNames: []string{EnvelopeType, "actor.Stop"},
		Targets:   []*actor.PID{actor.NewPID("localhost:2229", "kestrel"), actor.NewPID("localhost:2229", "queues")},
		Senders:   []*actor.PID{actor.NewPID("10.0.0.2:4000", "client-1")},
		Envelopes: []*remote.MessageEnvelope{
			{TypeId: 0, Target: 0, Sender: 1}, // kept
			{TypeId: 1, Target: 0},            // a type peers may not send
			{TypeId: 0, Target: 1},            // an actor peers may not reach
			{TypeId: 2}, {Target: 2}, {Sender: 2}, {SerializerId: 1}, nil,
		},
	}
	if dropped := testGuard().screen(b); dropped != 7 || len(b.Envelopes) != 1 {
		t.Fatalf("dropped %d, kept %d; want 7 and 1", dropped, len(b.Envelopes))
	}
	if got := b.Targets[0].Address; got != "10.0.0.1:2229" {
		t.Fatalf("target address %q: want the node's own", got)
	}
}

func TestDecodeNeverFails(t *testing.T) {
	for _, c := range []struct{ typ, data string }{
		{"put", "\xc1"}, {"nope", ""}, {"", "\x80"}, {"get", "\x81\xa3req\x07"},
	} {
		m := Decode(c.typ, []byte(c.data))
		if m == nil {
			t.Fatalf("Decode(%q, %q) = nil", c.typ, c.data)
		}
	}
	if m, ok := Decode("get", []byte("\x81\xa3req\x07")).(*Get); !ok || m.ReqID != 7 {
		t.Fatalf("Decode of a get: %#v", m)
	}
}

func TestEveryMessageRoundTrips(t *testing.T) {
	for name, newMsg := range constructors {
		m := newMsg()
		m.Head().ReqID = 42
		env, err := Encode(m)
		if err != nil || env.Type != name {
			t.Fatalf("encode %s: %v %v", name, env, err)
		}
		back, _ := env.Deserialize()
		if got, ok := back.(Message); !ok || got.Head().ReqID != 42 || TypeName(got) != name {
			t.Fatalf("round trip of %s: %#v", name, back)
		}
	}
}
