package client

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// inbox is the client's address: requests go out from it and replies come
// back to it. It is a process without a mailbox, so a reply goes from
// protoactor's reader straight to the call waiting for it.
type inbox struct {
	calls *calls
	sys   *actor.ActorSystem
	pid   *actor.PID
}

// spawnInbox registers a new inbox on sys under a unique name.
func spawnInbox(sys *actor.ActorSystem, calls *calls) (*inbox, error) {
	in := &inbox{calls: calls, sys: sys}
	pid, ok := sys.ProcessRegistry.Add(in, inboxPrefix+randomHex())
	if !ok {
		return nil, errInboxTaken
	}
	in.pid = pid
	return in, nil
}

// SendUserMessage takes a reply to the call it answers.
func (in *inbox) SendUserMessage(_ *actor.PID, message any) {
	_, msg, _ := actor.UnwrapEnvelope(message)
	if m, ok := msg.(wire.Message); ok {
		in.calls.finish(m.Head().ReqID, result{msg: m})
	}
}

// SendSystemMessage ignores the servers' watches: Close tells each
// server itself that the client is gone.
func (in *inbox) SendSystemMessage(*actor.PID, any) {}

// Stop unregisters the inbox: later replies are dropped.
func (in *inbox) Stop(*actor.PID) { in.sys.ProcessRegistry.Remove(in.pid) }

// goodbye tells srv, which watches the inbox, that the client is gone: the
// server then ends the client's sessions and returns its open reads. It is
// sent to the address the client knows the server by, not the one the
// server calls itself (0.0.0.0 when it listens on every interface).
func (in *inbox) goodbye(srv *server) {
	if ref, ok := in.sys.ProcessRegistry.Get(srv.pid); ok {
		ref.SendSystemMessage(srv.pid, &actor.Terminated{Who: in.pid, Why: actor.TerminatedReason_Stopped})
	}
}
