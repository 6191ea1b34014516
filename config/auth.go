package config

import (
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode"
)

// AuthUser is one client identity under auth_users. Exactly one of
// Password and PasswordSHA256 (the hex SHA-256 of the password, as Redis'
// ACL files keep them) is set.
type AuthUser struct {
	Password       string `koanf:"password"`
	PasswordSHA256 string `koanf:"password_sha256"`
	// Admin users may also run the commands that act on the whole server
	// (shutdown, reload, a status change, flush_all).
	Admin bool `koanf:"admin"`
}

// maxCredentialLen bounds a user name and a password: both travel on one
// request line.
const maxCredentialLen = 256

// ValidUserName accepts what can be sent as one token of a request line
// and used as a key path (so no '.').
func ValidUserName(name string) error {
	if name == "" {
		return errors.New("user name is empty")
	}
	if len(name) > maxCredentialLen {
		return fmt.Errorf("user name %q is longer than %d bytes", name[:32]+"...", maxCredentialLen)
	}
	for _, r := range name {
		if r == '.' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("user name %q contains '.', whitespace or a control character", name)
		}
	}
	return nil
}

// password checks a plain password. The message never repeats the value.
func password(v reflect.Value) error {
	p := v.String()
	if len(p) > maxCredentialLen {
		return fmt.Errorf("longer than %d bytes", maxCredentialLen)
	}
	if strings.IndexFunc(p, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return errors.New("contains whitespace or a control character, which a request line cannot carry")
	}
	return nil
}

func passwordHash(v reflect.Value) error {
	h := v.String()
	if h == "" {
		return nil
	}
	if b, err := hex.DecodeString(h); err != nil || len(b) != 32 {
		return errors.New("must be 64 hex digits (the SHA-256 of the password, e.g. from sha256sum)")
	}
	return nil
}

// checkUsers makes sure each user can log in one way only.
func (l *loader) checkUsers() error {
	for _, name := range sortedKeys(l.cfg.AuthUsers) {
		u := l.cfg.AuthUsers[name]
		key := joinKey("auth_users", name)
		switch {
		case u.Password == "" && u.PasswordSHA256 == "":
			return l.errorAt(key, errors.New("needs password or password_sha256"))
		case u.Password != "" && u.PasswordSHA256 != "":
			return l.errorAt(joinKey(key, "password_sha256"), errors.New("set together with password; keep one"))
		}
	}
	return nil
}
