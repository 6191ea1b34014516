package remote

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/protocol/internal/auth"
	"github.com/kestrel-go/kestrel/protocol/remote/wire"
	"github.com/kestrel-go/kestrel/protocol/tracing"
)

// sessionActor runs one client session's requests, one at a time, on the
// actors.Session it owns; a get may wait in it without holding up anyone
// else. ctx ends when the client goes away, withdrawing such a wait.
type sessionActor struct {
	queues *actors.System
	log    *slog.Logger
	client string // the client's address, for the logs
	ctx    context.Context
	sess   *actors.Session
	login  auth.Login
}

func (s *sessionActor) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		s.sess = s.queues.NewSessionFor(s.client)
	case *actor.Stopped, *actor.Restarting:
		// Open reads go back to their queues.
		s.sess.Close()
	case wire.Message:
		ctx.Respond(s.serve(m))
	}
}

// serve runs a request and returns its reply, inside a span joining the
// client's trace when tracing is on.
func (s *sessionActor) serve(m wire.Message) wire.Message {
	var reply wire.Message
	if tracing.Enabled() {
		reply = s.serveTraced(m)
	} else {
		reply = s.dispatch(m)
	}
	h, req := reply.Head(), m.Head()
	h.ReqID, h.Session = req.ReqID, req.Session
	return reply
}

func (s *sessionActor) dispatch(m wire.Message) wire.Message {
	if f := s.authorize(m); f != nil {
		return f
	}
	switch m := m.(type) {
	case *wire.Put:
		return s.put(m)
	case *wire.Get:
		return s.get(m)
	case *wire.Confirm:
		return s.settle(m.Queue, m.IDs, s.sess.ConfirmIDs)
	case *wire.Abort:
		return s.settle(m.Queue, m.IDs, s.sess.AbortIDs)
	case *wire.Peek:
		return s.peek(m)
	case *wire.FlushQueue:
		return done(s.sess.Flush(m.Queue))
	case *wire.FlushAllQueues:
		return done(s.sess.FlushAll())
	case *wire.DeleteQueue:
		return done(s.sess.Delete(m.Queue))
	case *wire.CurrentStatus:
		return &wire.StatusReply{Status: wireStatus(s.queues.Status())}
	case *wire.SetStatus:
		return s.setStatus(m)
	case *wire.GetVersion:
		return &wire.Version{Version: actors.Version}
	case *wire.GetStats:
		return s.stats()
	}
	return faultf(wire.CodeBadRequest, "%s is not a request", wire.TypeName(m))
}

func done(err error) wire.Message {
	if err != nil {
		return fault(err)
	}
	return &wire.Done{}
}

func faultf(code, format string, args ...any) *wire.Fault {
	return &wire.Fault{Code: code, Message: fmt.Sprintf(format, args...)}
}

// fault turns a session's error into the Fault a client can act on.
func fault(err error) *wire.Fault {
	var badName *actors.BadQueueNameError
	var status *actors.StatusError
	switch {
	case errors.As(err, &badName):
		return faultf(wire.CodeBadQueueName, "%v", err)
	case errors.As(err, &status):
		f := faultf(wire.CodeStatus, "server is %s", status.Status)
		f.Status = wireStatus(status.Status)
		return f
	case errors.Is(err, actors.ErrTooManyOpenReads):
		return faultf(wire.CodeTooManyOpen, "%v", err)
	case errors.Is(err, actors.ErrTooManyConnections):
		return faultf(wire.CodeBusy, "%v", err)
	}
	return faultf(wire.CodeInternal, "%v", err)
}

func wireStatus(s actors.Status) wire.Status {
	switch s {
	case actors.StatusReadOnly:
		return wire.ReadOnly
	case actors.StatusQuiescent:
		return wire.Quiescent
	}
	return wire.Up
}

func (s *sessionActor) setStatus(m *wire.SetStatus) wire.Message {
	var next actors.Status
	switch m.Status {
	case wire.Up:
		next = actors.StatusUp
	case wire.ReadOnly:
		next = actors.StatusReadOnly
	case wire.Quiescent:
		next = actors.StatusQuiescent
	default:
		return faultf(wire.CodeBadRequest, "set_status %d: want QUIESCENT (1), READ_ONLY (2) or UP (3)", m.Status)
	}
	return done(s.queues.SetStatus(next))
}

func (s *sessionActor) stats() wire.Message {
	r := s.queues.Report()
	reply := &wire.Stats{Global: wireStats(r.Global), Queues: make([]wire.QueueStats, len(r.Queues))}
	for i, q := range r.Queues {
		reply.Queues[i] = wire.QueueStats{Name: q.Name, Stats: wireStats(q.Stats)}
	}
	return reply
}

func wireStats(stats []actors.Stat) []wire.Stat {
	out := make([]wire.Stat, len(stats))
	for i, st := range stats {
		out[i] = wire.Stat{Name: st.Name, Value: st.Value}
	}
	return out
}
