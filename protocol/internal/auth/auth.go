// Package auth holds what the memcache and text protocols share about
// clients authenticating: checking a name and password against auth_users
// and remembering, per connection, who logged in.
package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"log/slog"

	"github.com/kestrel-go/kestrel/config"
)

// Login is one connection's authentication. The zero value has not
// logged in. Its methods take the current configuration, so a reload that
// adds, removes or demotes users applies to connections already open.
type Login struct {
	user string
}

// The refusals, worded as the protocols send them.
var (
	ErrRequired   = errors.New("authentication required")
	ErrFailed     = errors.New("authentication failed")
	ErrNotEnabled = errors.New("authentication is not enabled")
)

// AdminError refuses a command kept for admin users.
type AdminError struct{ Command string }

func (e *AdminError) Error() string { return e.Command + " needs an admin user" }

// LogIn checks credentials and logs the connection in: nil, ErrFailed, or
// ErrNotEnabled when no users are configured. A failure is logged with the
// user name only when it is a configured one: what a client sent as a name
// may be anything, even a password typed in the wrong place.
func (l *Login) LogIn(cfg *config.Config, log *slog.Logger, name, password string) error {
	if !Required(cfg) {
		return ErrNotEnabled
	}
	if !l.Attempt(cfg, name, password) {
		if _, ok := cfg.AuthUsers[name]; !ok {
			name = "(unknown)"
		}
		log.Warn("authentication failed", "user", name)
		return ErrFailed
	}
	return nil
}

// Check says whether the connection may run command: nil, ErrRequired
// before it logged in, or an *AdminError for a command that acts on the
// whole server when it is not an admin.
func (l *Login) Check(cfg *config.Config, command string, adminOnly bool) error {
	switch {
	case !l.Allowed(cfg):
		return ErrRequired
	case adminOnly && !l.Admin(cfg):
		return &AdminError{Command: command}
	}
	return nil
}

// Required says whether clients must authenticate: some users are
// configured.
func Required(cfg *config.Config) bool { return len(cfg.AuthUsers) > 0 }

// Attempt checks the credentials; on success the connection is that user
// from then on. A failure leaves the connection as it was.
func (l *Login) Attempt(cfg *config.Config, name, password string) bool {
	u, known := cfg.AuthUsers[name]
	// An unknown name costs the same comparison as a known one.
	if !matches(u, password) || !known {
		return false
	}
	l.user = name
	return true
}

// Allowed says whether the connection may make requests: authentication
// is off, or it logged in as a user still configured.
func (l *Login) Allowed(cfg *config.Config) bool {
	if !Required(cfg) {
		return true
	}
	_, ok := cfg.AuthUsers[l.user]
	return ok && l.user != ""
}

// Admin says whether the connection may run the commands that act on the
// whole server: authentication is off, or it logged in as an admin.
func (l *Login) Admin(cfg *config.Config) bool {
	if !Required(cfg) {
		return true
	}
	u, ok := cfg.AuthUsers[l.user]
	return ok && l.user != "" && u.Admin
}

// User is the name logged in with, "" before.
func (l *Login) User() string { return l.user }

// matches compares digests in constant time, so the time taken says
// nothing about how much of the password was right.
func matches(u config.AuthUser, password string) bool {
	got := sha256.Sum256([]byte(password))
	var want [sha256.Size]byte
	if u.PasswordSHA256 != "" {
		_, _ = hex.Decode(want[:], []byte(u.PasswordSHA256)) // checked by config
	} else {
		want = sha256.Sum256([]byte(u.Password))
	}
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}
