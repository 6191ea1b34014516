package remote_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	paremote "github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// peer speaks protoactor's remote protocol by hand, with no actor system
// of its own: it can send what a real node never would, and it receives
// the server's replies on a gRPC server of its own, as a node does.
type peer struct {
	t       *testing.T
	addr    string // where the server delivers replies
	self    *actor.PID
	server  *actor.PID
	conn    *grpc.ClientConn
	stream  paremote.Remoting_ReceiveClient
	replies chan wire.Message
	sink    *grpc.Server
}

func dialPeer(t *testing.T, server string) *peer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &peer{t: t, addr: ln.Addr().String(), replies: make(chan wire.Message, 100), sink: grpc.NewServer()}
	p.self = actor.NewPID(p.addr, "client-peer")
	p.server = actor.NewPID(server, "kestrel")
	paremote.RegisterRemotingServer(p.sink, &replySink{replies: p.replies})
	go func() { _ = p.sink.Serve(ln) }()
	t.Cleanup(p.hangUp)
	if p.conn, err = grpc.NewClient(server, grpc.WithTransportCredentials(insecure.NewCredentials())); err != nil {
		t.Fatal(err)
	}
	p.connect()
	return p
}

// connect opens the stream to the server, introducing itself as a node.
func (p *peer) connect() {
	p.t.Helper()
	var err error
	if p.stream, err = paremote.NewRemotingClient(p.conn).Receive(context.Background()); err != nil {
		p.t.Fatal(err)
	}
	hello := &paremote.RemoteMessage{MessageType: &paremote.RemoteMessage_ConnectRequest{
		ConnectRequest: &paremote.ConnectRequest{ConnectionType: &paremote.ConnectRequest_ServerConnection{
			ServerConnection: &paremote.ServerConnection{SystemId: "peer", Address: p.addr}}}}}
	if err := p.stream.Send(hello); err != nil {
		p.t.Fatal(err)
	}
	if _, err := p.stream.Recv(); err != nil {
		p.t.Fatalf("connect response: %v", err)
	}
}

// hangUp closes both connections, as a process that dies would.
func (p *peer) hangUp() {
	_ = p.conn.Close()
	p.sink.Stop()
}

// send delivers a batch as the server's reader will see it.
func (p *peer) send(b *paremote.MessageBatch) error {
	return p.stream.Send(&paremote.RemoteMessage{MessageType: &paremote.RemoteMessage_MessageBatch{MessageBatch: b}})
}

// request sends m to the server's actor, from this peer.
func (p *peer) request(m wire.Message) {
	p.t.Helper()
	env, err := wire.Encode(m)
	if err != nil {
		p.t.Fatal(err)
	}
	p.sendRaw(wire.EnvelopeType, mustMarshal(p.t, env))
}

// sendRaw sends data as a message of protobuf type typeName.
func (p *peer) sendRaw(typeName string, data []byte) {
	p.t.Helper()
	err := p.send(&paremote.MessageBatch{
		TypeNames: []string{typeName},
		Targets:   []*actor.PID{p.server},
		Senders:   []*actor.PID{p.self},
		Envelopes: []*paremote.MessageEnvelope{{TypeId: 0, Target: 0, Sender: 1, MessageData: data}},
	})
	if err != nil {
		p.t.Fatal(err)
	}
}

// reply waits for the next reply.
func (p *peer) reply() wire.Message {
	p.t.Helper()
	select {
	case m := <-p.replies:
		return m
	case <-time.After(20 * time.Second):
		p.t.Fatal("no reply in 20s")
		return nil
	}
}

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replySink is the peer's gRPC server: it decodes the replies the server
// delivers and ignores the rest (such as the server's watch of the peer).
type replySink struct {
	paremote.UnimplementedRemotingServer
	replies chan wire.Message
}

func (s *replySink) Receive(stream paremote.Remoting_ReceiveServer) error {
	for {
		msg, err := stream.Recv()
		if err != nil {
			return nil
		}
		if msg.GetConnectRequest() != nil {
			err = stream.Send(&paremote.RemoteMessage{MessageType: &paremote.RemoteMessage_ConnectResponse{
				ConnectResponse: &paremote.ConnectResponse{}}})
		}
		if b := msg.GetMessageBatch(); b != nil {
			s.deliver(b)
		}
		if err != nil {
			return err
		}
	}
}

func (s *replySink) deliver(b *paremote.MessageBatch) {
	for _, e := range b.Envelopes {
		if b.TypeNames[e.TypeId] != wire.EnvelopeType {
			continue
		}
		var env wire.Envelope
		if proto.Unmarshal(e.MessageData, &env) == nil {
			s.replies <- wire.Decode(env.Type, env.Data)
		}
	}
}
