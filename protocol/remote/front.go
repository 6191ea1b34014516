package remote

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// front is the actor clients talk to. It keeps each client's sessions,
// one child actor per session, and hands every request to its session. It
// only routes, so a get waiting for items holds up nothing but its own
// session.
type front struct {
	queues  *actors.System
	log     *slog.Logger
	clients map[string]*remoteClient
}

// remoteClient is one client process, known by the actor it sends from.
type remoteClient struct {
	pid      *actor.PID
	sessions map[uint32]sessionRef
}

// sessionRef is a session actor and the context that ends its waits.
type sessionRef struct {
	pid    *actor.PID
	cancel context.CancelFunc
}

func newFront(queues *actors.System, log *slog.Logger) *front {
	return &front{queues: queues, log: log, clients: make(map[string]*remoteClient)}
}

func (f *front) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Terminated:
		f.clientGone(ctx, m.Who)
	case *actor.Stopping:
		// The sessions stop after this; end their waits so they can.
		for _, c := range f.clients {
			for _, s := range c.sessions {
				s.cancel()
			}
		}
	case *wire.Malformed:
		f.refuse(ctx, m.Header, wire.CodeBadRequest, fmt.Sprintf("message %q: %v", m.Type, m.Err))
	case wire.Message:
		f.route(ctx, m)
	}
}

// route forwards a request, its sender kept, to the session it names,
// starting the session (and watching the client) on first use.
func (f *front) route(ctx actor.Context, m wire.Message) {
	sender := ctx.Sender()
	if sender == nil {
		f.log.Debug("remote: dropped a request with no sender to answer", "type", wire.TypeName(m))
		return
	}
	c := f.client(ctx, sender)
	h := m.Head()
	s, ok := c.sessions[h.Session]
	if !ok {
		if err := f.admit(c); err != nil {
			f.refuse(ctx, *h, wire.CodeBusy, err.Error())
			return
		}
		s = f.spawnSession(ctx, sender)
		c.sessions[h.Session] = s
	}
	ctx.Forward(s.pid)
}

func (f *front) client(ctx actor.Context, pid *actor.PID) *remoteClient {
	key := clientKey(pid)
	c, ok := f.clients[key]
	if !ok {
		c = &remoteClient{pid: pid, sessions: make(map[uint32]sessionRef)}
		f.clients[key] = c
		// Told when the client stops its actor or its process dies (its
		// connection breaks), so its open reads go back at once.
		ctx.Watch(pid)
		f.log.Debug("remote client connected", "client", key)
	}
	return c
}

// admit applies max_connections, counting each session as a connection,
// and the per-client bound on sessions.
func (f *front) admit(c *remoteClient) error {
	if limit := f.queues.Config().MaxConnections; limit > 0 && f.queues.Stats.CurrConnections.Load() >= int64(limit) {
		return fmt.Errorf("too many connections (max_connections %d)", limit)
	}
	if len(c.sessions) >= MaxSessions {
		return fmt.Errorf("too many sessions for one client (at most %d)", MaxSessions)
	}
	return nil
}

func (f *front) spawnSession(ctx actor.Context, client *actor.PID) sessionRef {
	sctx, cancel := context.WithCancel(context.Background())
	props := actor.PropsFromProducer(func() actor.Actor {
		return &sessionActor{queues: f.queues, log: f.log, client: client.GetAddress(), ctx: sctx}
	})
	return sessionRef{pid: ctx.Spawn(props), cancel: cancel}
}

// clientGone closes every session of a client that went away: waiting
// gets end and open reads return to their queues. A session of ours that
// stopped is told here too, and ignored.
func (f *front) clientGone(ctx actor.Context, who *actor.PID) {
	key := clientKey(who)
	c, ok := f.clients[key]
	if !ok {
		return
	}
	delete(f.clients, key)
	for _, s := range c.sessions {
		s.cancel()
		ctx.Stop(s.pid)
	}
	f.log.Debug("remote client gone", "client", key, "sessions", len(c.sessions))
}

// refuse answers a request with a Fault.
func (f *front) refuse(ctx actor.Context, h wire.Header, code, msg string) {
	if ctx.Sender() == nil {
		return
	}
	ctx.Respond(&wire.Fault{Header: wire.Header{ReqID: h.ReqID, Session: h.Session}, Code: code, Message: msg})
}
