// Package remote serves Kestrel's thrift API (kestrel.thrift) re-done over
// protoactor-go remote: clients send the requests of protocol/remote/wire
// to the actor named "kestrel", which runs them on the client's sessions.
// The client for it is protocol/remote/client.
package remote

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// ActorName is the name of the actor clients send their requests to.
const ActorName = "kestrel"

// Limits on one request, beside max_request_bytes.
const (
	// MaxBatch bounds the items of one put and of one get, and the reads a
	// session may hold open on one queue (unless max_open_transactions is
	// higher).
	MaxBatch = wire.MaxBatch
	// MaxSessions bounds the sessions of one client.
	MaxSessions = 1024
)

// Server is the remote API on one listening node.
type Server struct {
	node  *wire.Node
	front *actor.PID
	log   *slog.Logger
	once  sync.Once
}

// Listen serves queues on addr (host:port; port 0 picks a free one).
func Listen(queues *actors.System, addr string, log *slog.Logger) (*Server, error) {
	guard := &wire.Guard{
		Log: log,
		Types: map[string]bool{
			wire.EnvelopeType: true,
			// A client's own actor going away, and watches of ours.
			"actor.Terminated": true, "actor.Watch": true, "actor.Unwatch": true,
		},
		Target: func(id string) bool { return id == ActorName },
	}
	node, err := wire.Listen(wire.NodeConfig{
		Addr: addr, Log: log, Guard: guard, MaxFrame: maxFrame(queues),
	})
	if err != nil {
		return nil, err
	}
	props := actor.PropsFromProducer(func() actor.Actor { return newFront(queues, log) })
	pid, err := node.System.Root.SpawnNamed(props, ActorName)
	if err != nil {
		node.Close()
		return nil, err
	}
	return &Server{node: node, front: pid, log: log}, nil
}

// maxFrame bounds one gRPC frame from a client. protoactor batches up to
// 1000 messages per frame, so it is a few times max_request_bytes: a frame
// over it ends the client's connection, and its requests fail.
func maxFrame(queues *actors.System) int {
	const slack = 1 << 20
	limit := 4*int64(queues.Config().MaxRequestBytes) + slack
	return int(min(limit, 1<<31-1))
}

// Addr is the address the server listens on, with the real port.
func (s *Server) Addr() string { return s.node.System.Address() }

// Close ends every client's sessions (their open reads go back to their
// queues, their waiting gets end) and stops listening.
func (s *Server) Close() error {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.node.System.Root.StopFuture(s.front).Wait(); err != nil {
			s.log.Warn("remote: sessions did not all stop", "err", err)
		}
		done := make(chan struct{})
		go func() {
			s.node.Close()
			close(done)
		}()
		select {
		case <-done:
		case <-ctx.Done():
			s.log.Warn("remote: listener did not stop in time")
		}
	})
	return nil
}

// clientKey names a client by its actor, whatever session it uses.
func clientKey(pid *actor.PID) string {
	return pid.GetAddress() + "/" + pid.GetId()
}
