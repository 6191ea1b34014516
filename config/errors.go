package config

import (
	"errors"
	"strconv"
	"strings"
)

// ErrUnknownKey is wrapped by the Error for a key the configuration does
// not have, so that a typo stops the server instead of being ignored.
var ErrUnknownKey = errors.New("unknown key")

// Error is a configuration problem. It names the file and the key, and
// when the value came from the environment or a flag, which one, so an
// operator knows what to fix.
type Error struct {
	File string // the config file; "" when none was given
	Key  string // dotted key, e.g. "default.max_items"; "" for the file as a whole
	From string // "KESTREL_DEFAULT__MAX_ITEMS" or "--memcache-port"; "" for the file
	Err  error
}

// Error reads like
//
//	config /etc/kestrel.yaml: default.max_items: must not be negative
//	config /etc/kestrel.yaml: unknown key "queues.q.max_itmes"
//	config: unknown key "foo" (from KESTREL_FOO)
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	b.WriteString(": ")
	from := ""
	if e.From != "" {
		from = " (from " + e.From + ")"
	}
	switch {
	case errors.Is(e.Err, ErrUnknownKey):
		b.WriteString("unknown key " + strconv.Quote(e.Key) + from)
	case e.Key != "":
		b.WriteString(e.Key + from + ": " + e.Err.Error())
	default:
		b.WriteString(e.Err.Error() + from)
	}
	return b.String()
}

func (e *Error) Unwrap() error {
	return e.Err
}
