package text

import (
	"errors"

	"github.com/kestrel-go/kestrel/protocol/internal/auth"
)

// Authentication (auth_users) and the commands kept for admin users.

// gate answers auth itself and the requests a client may not make; it
// returns true for a request to be served.
func (c *conn) gate(req *Request) bool {
	cfg := c.srv.Queues.Config()
	switch req.Cmd {
	case CmdAuth:
		if err := c.login.LogIn(cfg, c.Log, req.User, req.Password); err != nil {
			// A client guessing passwords pays a new connection per guess.
			c.refuse(err)
		} else {
			c.Out = AppendCount(c.Out, 0)
		}
		return false
	case CmdQuit:
		return true
	}
	adminOnly := req.Cmd == CmdShutdown || req.Cmd == CmdStatus && req.Status != ""
	err := c.login.Check(cfg, req.Cmd.String(), adminOnly)
	switch {
	case err == nil:
		return true
	case errors.Is(err, auth.ErrRequired):
		c.refuse(err)
	default:
		// A well-framed request refused: the connection stays open.
		c.Out = AppendError(c.Out, err.Error())
	}
	return false
}

// refuse answers the error and closes the connection.
func (c *conn) refuse(err error) {
	c.Out = AppendError(c.Out, err.Error())
	c.Quit = true
}
