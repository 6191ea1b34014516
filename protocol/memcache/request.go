// Package memcache speaks Kestrel's dialect of the memcache text protocol:
// a streaming request parser and reply encoders, free of sockets and queues.
package memcache

import (
	"strconv"
	"time"
)

// Command is a request's verb. The zero value is no command, so a Request
// that was never filled in cannot pass for a get.
type Command int

// The commands Kestrel answers on its memcache port.
const (
	CmdGet Command = iota + 1 // get and gets
	CmdSet
	CmdDelete
	CmdFlush
	CmdFlushAll
	CmdFlushExpired
	CmdFlushAllExpired
	CmdVersion
	CmdStats
	CmdDumpStats
	CmdDumpConfig
	CmdMonitor
	CmdConfirm
	CmdShutdown
	CmdReload
	CmdStatus
	CmdQuit
	CmdAuth
)

var commandNames = [...]string{
	CmdGet:             "get",
	CmdSet:             "set",
	CmdDelete:          "delete",
	CmdFlush:           "flush",
	CmdFlushAll:        "flush_all",
	CmdFlushExpired:    "flush_expired",
	CmdFlushAllExpired: "flush_all_expired",
	CmdVersion:         "version",
	CmdStats:           "stats",
	CmdDumpStats:       "dump_stats",
	CmdDumpConfig:      "dump_config",
	CmdMonitor:         "monitor",
	CmdConfirm:         "confirm",
	CmdShutdown:        "shutdown",
	CmdReload:          "reload",
	CmdStatus:          "status",
	CmdQuit:            "quit",
	CmdAuth:            "auth",
}

// String gives the command's name on the wire.
func (c Command) String() string {
	if c > 0 && int(c) < len(commandNames) {
		return commandNames[c]
	}
	return "Command(" + strconv.Itoa(int(c)) + ")"
}

// Request is one parsed request. Only the fields of its command are set.
type Request struct {
	Cmd Command
	// Queue is the queue the command acts on; for get, the key up to its
	// first '/'.
	Queue string
	// Key is the key exactly as sent ("work/t=500/open"). A get reply
	// echoes it, because clients look the value up by the key they asked.
	Key string

	// set
	Flags   uint32
	Exptime int64 // as sent; negative means already expired
	// Data is the payload without its trailing \r\n. It is allocated per
	// request, so the queue may keep it.
	Data []byte
	// NoReply is set by "noreply" on set and flush_all.
	NoReply bool

	// get options
	Timeout                  time.Duration // /t=<ms>; 0 means do not wait
	Open, Close, Abort, Peek bool

	// Count is confirm's count, or monitor's max_items (0 when not given).
	Count int
	// Duration is monitor's time limit.
	Duration time.Duration

	// Args holds dump_stats' queue names, status' new status, and auth's
	// user name and password, raw.
	Args []string
}

// ClientError is a malformed request. The connection answers
// "CLIENT_ERROR <Reason>" and closes, since the rest of the stream can no
// longer be framed with confidence.
type ClientError struct{ Reason string }

func (e *ClientError) Error() string { return "client error: " + e.Reason }

func clientError(reason string) error { return &ClientError{Reason: reason} }

// maxQuoted bounds how much of a client's input an error message repeats.
const maxQuoted = 64

// quote renders client input for an error message: escaped, so no control
// byte reaches a reply line, and cut short, so a reply stays small.
func quote(s string) string {
	if len(s) > maxQuoted {
		return strconv.Quote(s[:maxQuoted]) + "..."
	}
	return strconv.Quote(s)
}
