package remote

import (
	"github.com/kestrel-go/kestrel/protocol/internal/auth"
	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// authorize checks a request against auth_users: a session logs in with
// the credentials its requests carry, and the requests that act on the
// whole server need an admin user, as with memcache.
func (s *sessionActor) authorize(m wire.Message) *wire.Fault {
	cfg := s.queues.Config()
	if !auth.Required(cfg) {
		return nil
	}
	h := m.Head()
	if !s.login.Allowed(cfg) && h.User != "" {
		if err := s.login.LogIn(cfg, s.log, h.User, h.Password); err != nil {
			return faultf(wire.CodeAuth, "%v", err)
		}
	}
	if err := s.login.Check(cfg, wire.TypeName(m), adminOnly(m)); err != nil {
		return faultf(wire.CodeAuth, "%v", err)
	}
	return nil
}

// adminOnly names the requests that act on the whole server.
func adminOnly(m wire.Message) bool {
	switch m.(type) {
	case *wire.FlushAllQueues, *wire.SetStatus:
		return true
	}
	return false
}
