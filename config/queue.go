package config

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// MaxQueueNameLen is the longest queue name in bytes; the name is also a
// file name, with room left for journal suffixes.
const MaxQueueNameLen = 250

// ErrInvalidQueueName is wrapped by every error of ValidQueueName.
var ErrInvalidQueueName = errors.New("invalid queue name")

// QueueConfig resolves the configuration of any queue, named in the file
// or not: its own resolved block, else for a fanout child "a+b" the
// configuration of "a", else the default.
func (c *Config) QueueConfig(name string) Queue {
	q, ok := c.Queues[name]
	if !ok {
		q = c.Default
		if master, _, fanout := strings.Cut(name, "+"); fanout {
			q = c.QueueConfig(master)
		}
	}
	// A default (or a master's) expire_to_queue may name this very queue;
	// expiring into itself would loop, so that queue simply drops expired
	// items. Load rejects the case for queues named in the file.
	if q.ExpireToQueue == name {
		q.ExpireToQueue = ""
	}
	return q
}

// ValidQueueName checks a queue name: 1 to 250 bytes; no '/' (a path), '~'
// (temporary files), '.' (reserved), whitespace or control characters; '+'
// only once, between a master queue and a fanout name.
func ValidQueueName(name string) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidQueueName, name, fmt.Sprintf(format, args...))
	}
	if name == "" {
		return fmt.Errorf("%w: empty", ErrInvalidQueueName)
	}
	if len(name) > MaxQueueNameLen {
		return bad("longer than %d bytes", MaxQueueNameLen)
	}
	for _, r := range name {
		switch {
		case r == '/' || r == '~' || r == '.':
			return bad("contains %q", r)
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return bad("contains whitespace or a control character")
		}
	}
	switch plus := strings.Count(name, "+"); {
	case plus > 1:
		return bad("more than one '+' (a fanout queue is master+name)")
	case plus == 1 && (name[0] == '+' || name[len(name)-1] == '+'):
		return bad("'+' must stand between a master queue name and a fanout name")
	}
	return nil
}
