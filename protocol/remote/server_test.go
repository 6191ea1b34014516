package remote_test

import (
	"context"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	paremote "github.com/asynkron/protoactor-go/remote"
	"github.com/vmihailenco/msgpack/v5"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/remote"
	"github.com/kestrel-go/kestrel/protocol/remote/remotetest"
	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// srv is the one server of these tests (protoactor's remote starts once
// per process); each test uses queues of its own.
var srv *remotetest.Server

const maxRequestBytes = 64 << 10

func TestMain(m *testing.M) {
	flag.Parse() // for remotetest.Log's testing.Verbose
	dir, err := os.MkdirTemp("", "kestrel-remote-test")
	if err != nil {
		panic(err)
	}
	cfg := config.Defaults()
	cfg.QueuePath, cfg.StatusFile = dir, dir+"/.status"
	cfg.MaxRequestBytes = maxRequestBytes
	if srv, err = remotetest.Listen(cfg); err != nil {
		panic(err)
	}
	code := m.Run()
	srv.Stop()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestPutAndGetOverRawRemote(t *testing.T) {
	p := dialPeer(t, srv.Addr)
	p.request(&wire.Put{Header: wire.Header{ReqID: 1}, Queue: "raw", Items: [][]byte{[]byte("a"), []byte("b")}})
	if r, ok := p.reply().(*wire.Count); !ok || r.N != 2 || r.ReqID != 1 {
		t.Fatalf("put reply: %#v", r)
	}
	p.request(&wire.Get{Header: wire.Header{ReqID: 2}, Queue: "raw", MaxItems: 5})
	r, ok := p.reply().(*wire.Items)
	if !ok || len(r.Items) != 2 || string(r.Items[0].Data) != "a" || r.ReqID != 2 {
		t.Fatalf("get reply: %#v", r)
	}
}

// stillServes fails the test unless the server answers a put from a new
// connection.
func stillServes(t *testing.T) {
	t.Helper()
	p := dialPeer(t, srv.Addr)
	p.request(&wire.Put{Header: wire.Header{ReqID: 99}, Queue: "alive", Items: [][]byte{[]byte("x")}})
	if r, ok := p.reply().(*wire.Count); !ok || r.N != 1 {
		t.Fatalf("after the bad message, a put got %#v", r)
	}
}

func TestUnknownProtobufTypeIsDropped(t *testing.T) {
	p := dialPeer(t, srv.Addr)
	// protoactor's reader would dereference nil for this type name.
	p.sendRaw("no.such.Type", []byte("\x0a\x03abc"))
	p.sendRaw("actor.Stop", nil) // nor may a peer stop our actors
	p.request(&wire.Put{Header: wire.Header{ReqID: 3}, Queue: "unknown", Items: [][]byte{[]byte("x")}})
	if r, ok := p.reply().(*wire.Count); !ok || r.ReqID != 3 {
		t.Fatalf("put after an unknown type on the same connection: %#v", r)
	}
	stillServes(t)
}

func TestUndecodableEnvelopeGetsFault(t *testing.T) {
	p := dialPeer(t, srv.Addr)
	garbage := func(typ string, data []byte) {
		p.sendRaw(wire.EnvelopeType, mustMarshal(t, &wire.Envelope{Type: typ, Data: data}))
	}
	header, _ := msgpack.Marshal(map[string]any{"req": 7})
	garbage("no_such_operation", header)
	if f, ok := p.reply().(*wire.Fault); !ok || f.Code != wire.CodeBadRequest || f.ReqID != 7 {
		t.Fatalf("unknown operation: %#v", f)
	}
	wrongType, _ := msgpack.Marshal(map[string]any{"req": 8, "queue": 12345})
	garbage("put", wrongType)
	if f, ok := p.reply().(*wire.Fault); !ok || f.Code != wire.CodeBadRequest || f.ReqID != 8 {
		t.Fatalf("put with a number for its queue: %#v", f)
	}
	// An array claiming four billion items in 21 bytes: msgpack would
	// allocate them all before reading one.
	garbage("put", []byte("\x82\xa3req\x09\xa5items\xdd\xff\xff\xff\xff\xc4\x01x"))
	if f, ok := p.reply().(*wire.Fault); !ok || f.Code != wire.CodeBadRequest {
		t.Fatalf("put claiming 4e9 items: %#v", f)
	}
	garbage("put", []byte{0xc1, 0xff, 0x00}) // not msgpack at all
	if f, ok := p.reply().(*wire.Fault); !ok || f.Code != wire.CodeBadRequest {
		t.Fatalf("put of garbage: %#v", f)
	}
	p.sendRaw(wire.EnvelopeType, []byte{0xff, 0xff, 0xff}) // not even an envelope
	stillServes(t)
}

func TestBatchWithIndexesOutOfRangeIsDropped(t *testing.T) {
	p := dialPeer(t, srv.Addr)
	err := p.send(&paremote.MessageBatch{
		TypeNames: []string{wire.EnvelopeType},
		Targets:   []*actor.PID{actor.NewPID(srv.Addr, "kestrel")},
		Envelopes: []*paremote.MessageEnvelope{
			{TypeId: 5}, {Target: 9}, {Sender: 4}, {TypeId: -1}, {SerializerId: 7},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	stillServes(t)
}

func TestOversizedRequestsAreRefused(t *testing.T) {
	p := dialPeer(t, srv.Addr)
	many := make([][]byte, wire.MaxBatch+1)
	p.request(&wire.Put{Header: wire.Header{ReqID: 1}, Queue: "big", Items: many})
	if f, ok := p.reply().(*wire.Fault); !ok || f.Code != wire.CodeTooLarge {
		t.Fatalf("put of %d items: %#v", len(many), f)
	}
	heavy := [][]byte{make([]byte, maxRequestBytes/2), make([]byte, maxRequestBytes/2+1)}
	p.request(&wire.Put{Header: wire.Header{ReqID: 2}, Queue: "big", Items: heavy})
	if f, ok := p.reply().(*wire.Fault); !ok || f.Code != wire.CodeTooLarge {
		t.Fatalf("put over max_request_bytes: %#v", f)
	}
	p.request(&wire.Get{Header: wire.Header{ReqID: 3}, Queue: "big", MaxItems: wire.MaxBatch + 1})
	if f, ok := p.reply().(*wire.Fault); !ok || f.Code != wire.CodeTooLarge {
		t.Fatalf("get of too many: %#v", f)
	}
	p.request(&wire.Confirm{Header: wire.Header{ReqID: 4}, Queue: "big", IDs: make([]int64, wire.MaxBatch+1)})
	if f, ok := p.reply().(*wire.Fault); !ok || f.Code != wire.CodeTooLarge {
		t.Fatalf("confirm of too many: %#v", f)
	}
}

func TestOversizedFrameEndsOnlyItsConnection(t *testing.T) {
	p := dialPeer(t, srv.Addr)
	huge := make([]byte, 4*maxRequestBytes+2<<20) // over the server's frame limit
	_ = p.send(&paremote.MessageBatch{TypeNames: []string{"x"}, Envelopes: []*paremote.MessageEnvelope{{MessageData: huge}}})
	if _, err := p.stream.Recv(); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("stream after an oversized frame: %v", err)
	}
	stillServes(t)
}

func TestDiagnosticCallsAreRefused(t *testing.T) {
	p := dialPeer(t, srv.Addr)
	// protoactor implements these with panic("implement me").
	_, err := paremote.NewRemotingClient(p.conn).ListProcesses(context.Background(), &paremote.ListProcessesRequest{})
	if status.Code(err) != codes.Unimplemented {
		t.Fatalf("ListProcesses: %v", err)
	}
	stillServes(t)
}

func TestPeerThatHangsUpGetsItsOpenReadsBack(t *testing.T) {
	p := dialPeer(t, srv.Addr)
	p.request(&wire.Put{Header: wire.Header{ReqID: 1}, Queue: "hangup", Items: [][]byte{[]byte("kept")}})
	p.reply()
	p.request(&wire.Get{Header: wire.Header{ReqID: 2}, Queue: "hangup", MaxItems: 1, AutoAbortMsec: 3600_000})
	if r, ok := p.reply().(*wire.Items); !ok || len(r.Items) != 1 || r.Items[0].ID == 0 {
		t.Fatalf("open get: %#v", r)
	}
	p.hangUp()
	s := srv.Queues.NewSession()
	defer s.Close()
	data, found, err := s.Get("hangup", actors.Read{Timeout: 20 * time.Second}, nil)
	if err != nil || !found || string(data) != "kept" {
		t.Fatalf("after the hang-up: %q %v %v", data, found, err)
	}
}

func TestRequestWithoutSenderIsDropped(t *testing.T) {
	p := dialPeer(t, srv.Addr)
	env, _ := wire.Encode(&wire.Put{Header: wire.Header{ReqID: 1}, Queue: "nosender", Items: [][]byte{[]byte("x")}})
	err := p.send(&paremote.MessageBatch{
		TypeNames: []string{wire.EnvelopeType},
		Targets:   []*actor.PID{p.server},
		Envelopes: []*paremote.MessageEnvelope{{MessageData: mustMarshal(t, env)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	stillServes(t)
	for _, q := range srv.Queues.QueueNames() {
		if q == "nosender" {
			t.Fatal("a request with nobody to answer was run")
		}
	}
}

func TestListenOnBusyPortIsAnError(t *testing.T) {
	_, err := remote.Listen(srv.Queues, srv.Addr, remotetest.Log())
	if err == nil || !strings.Contains(err.Error(), srv.Addr) {
		t.Fatalf("listen on a busy port: %v", err)
	}
}

func TestReplyTypeSentAsRequestGetsFault(t *testing.T) {
	p := dialPeer(t, srv.Addr)
	p.request(&wire.Count{Header: wire.Header{ReqID: 5}, N: 3})
	if f, ok := p.reply().(*wire.Fault); !ok || f.Code != wire.CodeBadRequest || f.ReqID != 5 {
		t.Fatalf("a reply sent as a request: %#v", f)
	}
}
