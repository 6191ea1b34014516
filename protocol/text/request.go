// Package text speaks Kestrel's line-based text protocol
// (docs: text_protocol.md): requests are lines, items are lines, replies
// are one line each starting with ':' (an item), '*' (no item), '+' (a
// count) or '-' (an error).
package text

import (
	"strconv"
	"time"
)

// Command is a request's verb. The zero value is no command.
type Command int

// The commands Kestrel answers on its text port.
const (
	CmdPut Command = iota + 1
	CmdGet
	CmdPeek
	CmdMonitor
	CmdConfirm
	CmdFlush
	CmdDelete
	CmdStatus
	CmdVersion
	CmdShutdown
	CmdQuit
	CmdAuth
)

var commandNames = [...]string{
	CmdPut:      "put",
	CmdGet:      "get",
	CmdPeek:     "peek",
	CmdMonitor:  "monitor",
	CmdConfirm:  "confirm",
	CmdFlush:    "flush",
	CmdDelete:   "delete",
	CmdStatus:   "status",
	CmdVersion:  "version",
	CmdShutdown: "shutdown",
	CmdQuit:     "quit",
	CmdAuth:     "auth",
}

// commands maps a lowered name to its Command.
var commands = func() map[string]Command {
	m := make(map[string]Command, len(commandNames))
	for c, name := range commandNames {
		if name != "" {
			m[name] = Command(c)
		}
	}
	return m
}()

// String gives the command's name on the wire.
func (c Command) String() string {
	if c > 0 && int(c) < len(commandNames) {
		return commandNames[c]
	}
	return "Command(" + strconv.Itoa(int(c)) + ")"
}

// Request is one parsed request. Only the fields of its command are set.
type Request struct {
	Cmd   Command
	Queue string

	// Items are put's lines, without their line ends. Each is allocated on
	// its own, so the queue may keep it.
	Items [][]byte
	// Expiry is put's lifetime of its items, relative to when the put is
	// served; HasExpiry is false when none was given (never expire).
	Expiry    time.Duration
	HasExpiry bool

	// Timeout is how long get, peek and monitor wait; 0 means not at all.
	Timeout time.Duration
	// Count is confirm's count.
	Count int
	// Status is status' new server status, raw; "" to ask for it.
	Status string
	// User and Password are auth's credentials.
	User, Password string
}

// ClientError is a malformed request. The connection answers
// "-<Reason>" and closes, since the rest of the stream can no longer be
// framed with confidence.
type ClientError struct{ Reason string }

func (e *ClientError) Error() string { return "client error: " + e.Reason }

func clientError(reason string) error { return &ClientError{Reason: reason} }
