package memcache

import (
	"errors"
	"strings"

	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/internal/auth"
)

// Authentication (auth_users) and the commands kept for admin users.

// gate answers auth itself and the requests a client may not make; it
// returns true for a request to be served.
func (c *conn) gate(req *Request) bool {
	cfg := c.srv.Queues.Config()
	switch req.Cmd {
	case CmdAuth:
		c.logIn(cfg, req.Args[0], req.Args[1], "OK")
		return false
	case CmdQuit:
		return true
	}
	err := c.login.Check(cfg, req.Cmd.String(), adminOnly(req))
	switch {
	case err == nil:
		return true
	case errors.Is(err, auth.ErrRequired) && req.Cmd == CmdSet:
		// memcached's ASCII authentication: with it on, a client's first
		// set carries "<user> <password>" as its data.
		user, password, _ := strings.Cut(string(req.Data), " ")
		c.logIn(cfg, user, password, "STORED")
	case errors.Is(err, auth.ErrRequired):
		c.refuse(err)
	default:
		// A well-framed request refused: the connection stays open.
		c.Out = AppendClientError(c.Out, err.Error())
	}
	return false
}

// logIn answers ok, or refuses and hangs up: a client guessing passwords
// pays a new connection per guess.
func (c *conn) logIn(cfg *config.Config, user, password, ok string) {
	if err := c.login.LogIn(cfg, c.Log, user, password); err != nil {
		c.refuse(err)
		return
	}
	c.line(ok)
}

// refuse answers CLIENT_ERROR and closes the connection.
func (c *conn) refuse(err error) {
	c.Out = AppendClientError(c.Out, err.Error())
	c.Quit = true
}

// adminOnly names the commands that act on the whole server rather than
// on a queue.
func adminOnly(req *Request) bool {
	switch req.Cmd {
	case CmdShutdown, CmdReload, CmdFlushAll:
		return true
	case CmdStatus:
		return len(req.Args) > 0
	}
	return false
}
