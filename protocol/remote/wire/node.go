package wire

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Node is an actor system reachable over protoactor-go remote. Both ends
// of the API are nodes: the client listens too, since a server delivers
// its replies over a connection it dials back.
type Node struct {
	System *actor.ActorSystem
	Remote *remote.Remote
}

// NodeConfig says where a node listens and what it accepts.
type NodeConfig struct {
	Addr  string // host:port; port 0 picks a free one
	Log   *slog.Logger
	Guard *Guard // its Address is filled in
	// MaxFrame bounds one gRPC frame from a peer: a batch of messages.
	MaxFrame int
}

// Listen starts a node. The listener is bound when it returns; the node's
// address (System.Address) has the real port.
//
// A process should start one node: protoactor's remote.Start sets gRPC's
// global logger, unsynchronized with the gRPC goroutines of any node
// already running (the race detector reports it).
func Listen(cfg NodeConfig) (*Node, error) {
	host, portText, err := net.SplitHostPort(cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("remote: listen address %q: %w", cfg.Addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("remote: listen address %q: bad port: %w", cfg.Addr, err)
	}
	// remote.Start sets grpc's global logger before it listens, which races
	// with any other node's gRPC activity in the process: find a busy port
	// without it.
	if err := checkFree(cfg.Addr); err != nil {
		return nil, err
	}
	sys := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		return slog.New(quieter{cfg.Log.Handler()}).With("lib", "protoactor")
	}))
	cfg.Guard.Address = sys.Address
	r := remote.NewRemote(sys, remote.Configure(host, port,
		remote.WithServerOptions(cfg.Guard.ServerOptions(cfg.MaxFrame)...),
		remote.WithDialOptions(grpc.WithTransportCredentials(insecure.NewCredentials())),
		// A peer that cannot be reached is given up after one try (and
		// protoactor's 2 s pause), not five: clients move to another server.
		func(c *remote.Config) { c.MaxRetryCount = 1 }))
	if err := start(r); err != nil {
		sys.Shutdown()
		return nil, fmt.Errorf("remote: listen on %s: %w", cfg.Addr, err)
	}
	return &Node{System: sys, Remote: r}, nil
}

func checkFree(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("remote: %w", err)
	}
	return ln.Close()
}

// start runs remote.Start, which panics when it cannot listen.
func start(r *remote.Remote) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	r.Start()
	return nil
}

// Close stops listening and closes every peer's connection, then the
// node's actors. Stop the actors that answer peers first. (protoactor's
// graceful shutdown is not used: it races with its own connection readers,
// and waits up to 10 s for peers to hang up.)
func (n *Node) Close() {
	n.Remote.Shutdown(false)
	n.System.Shutdown()
}

// quieter logs protoactor's Info lines, one per connection made or lost,
// at Debug: they are routine for a server with many clients. So is a peer
// hanging up, which protoactor logs as an error.
type quieter struct{ slog.Handler }

// peerGone is protoactor's message when a peer's connection ends.
const peerGone = "EndpointWriter lost connection"

func (q quieter) Enabled(ctx context.Context, level slog.Level) bool {
	// Errors are let through to Handle, which may demote them.
	return level >= slog.LevelError || q.Handler.Enabled(ctx, demote(level))
}

func (q quieter) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demote(r.Level)
	if r.Message == peerGone {
		r.Level = slog.LevelDebug
	}
	if !q.Handler.Enabled(ctx, r.Level) {
		return nil
	}
	return q.Handler.Handle(ctx, r)
}

func (q quieter) WithAttrs(attrs []slog.Attr) slog.Handler {
	return quieter{q.Handler.WithAttrs(attrs)}
}

func (q quieter) WithGroup(name string) slog.Handler { return quieter{q.Handler.WithGroup(name)} }

func demote(l slog.Level) slog.Level {
	if l == slog.LevelInfo {
		return slog.LevelDebug
	}
	return l
}
