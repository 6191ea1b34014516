package wire

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Guard screens what a peer sends to a node listening for protoactor-go
// remote, since protoactor trusts its peers: an unknown protobuf type name
// makes its reader dereference nil, an out-of-range index in a batch
// panics, a system message can stop any actor, and two of its gRPC methods
// are `panic("implement me")`. Any of those would take the whole process
// down, as gRPC does not recover handler panics.
type Guard struct {
	Log *slog.Logger
	// Types are the protobuf type names a peer may send.
	Types map[string]bool
	// Target says which local actors, by id, a peer may send to.
	Target func(id string) bool
	// Address is this node's own address. Every target a peer names is
	// read as local, whatever host name the peer reached it by; otherwise
	// protoactor would forward the message to that name, maybe to itself.
	Address func() string
}

// EnvelopeType is the protobuf name of Envelope, the type every message
// of the API travels as.
const EnvelopeType = "kestrel.remote.Envelope"

// ServerOptions install the guard on a node's gRPC server, which takes
// frames of up to maxFrame bytes (gRPC's default is 4 MB).
func (g *Guard) ServerOptions(maxFrame int) []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.StreamInterceptor(g.stream),
		grpc.UnaryInterceptor(g.unary),
		grpc.MaxRecvMsgSize(maxFrame),
	}
}

// unary refuses protoactor's diagnostic calls, which panic.
func (g *Guard) unary(_ context.Context, _ any, info *grpc.UnaryServerInfo, _ grpc.UnaryHandler) (any, error) {
	return nil, status.Errorf(codes.Unimplemented, "%s is not served", info.FullMethod)
}

// stream runs protoactor's endpoint reader on a stream whose batches are
// screened, and turns a panic into the end of that one stream.
func (g *Guard) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			g.Log.Error("remote: a peer's message made the reader panic; dropping its connection",
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = status.Error(codes.Internal, "message refused")
		}
	}()
	return handler(srv, &guardedStream{ServerStream: ss, guard: g})
}

type guardedStream struct {
	grpc.ServerStream
	guard *Guard
}

// RecvMsg screens every batch before protoactor's reader sees it.
func (s *guardedStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	if rm, ok := m.(*remote.RemoteMessage); ok {
		if b := rm.GetMessageBatch(); b != nil {
			if dropped := s.guard.screen(b); dropped > 0 {
				s.guard.Log.Warn("remote: dropped messages a peer may not send", "dropped", dropped, "kept", len(b.Envelopes))
			}
		}
	}
	return nil
}

// screen keeps the envelopes of b that are safe to deliver and says how
// many it dropped.
func (g *Guard) screen(b *remote.MessageBatch) (dropped int) {
	local := g.Address()
	for _, t := range b.Targets {
		if t != nil {
			t.Address = local
		}
	}
	kept := b.Envelopes[:0]
	for _, e := range b.Envelopes {
		if g.valid(b, e) {
			kept = append(kept, e)
		} else {
			dropped++
		}
	}
	b.Envelopes = kept
	return dropped
}

func (g *Guard) valid(b *remote.MessageBatch, e *remote.MessageEnvelope) bool {
	if e == nil || e.SerializerId != 0 {
		return false
	}
	if e.TypeId < 0 || int(e.TypeId) >= len(b.TypeNames) || !g.Types[b.TypeNames[e.TypeId]] {
		return false
	}
	if e.Target < 0 || int(e.Target) >= len(b.Targets) {
		return false
	}
	if t := b.Targets[e.Target]; t == nil || !g.Target(t.Id) {
		return false
	}
	return e.Sender >= 0 && int(e.Sender) <= len(b.Senders) && (e.Sender == 0 || b.Senders[e.Sender-1] != nil)
}
