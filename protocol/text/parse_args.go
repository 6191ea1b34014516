package text

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/kestrel-go/kestrel/config"
)

// usages says how each command is written, for the error that refuses a
// request with the wrong arguments.
var usages = [...]string{
	CmdPut:      "put <queue> [expiry_ms]:",
	CmdGet:      "get <queue> [timeout_ms]",
	CmdPeek:     "peek <queue> [timeout_ms]",
	CmdMonitor:  "monitor <queue> [timeout_ms]",
	CmdConfirm:  "confirm <queue> <count>",
	CmdFlush:    "flush <queue>",
	CmdDelete:   "delete <queue>",
	CmdStatus:   "status [up|read_only|quiescent]",
	CmdVersion:  "version",
	CmdShutdown: "shutdown",
	CmdQuit:     "quit",
	CmdAuth:     "auth <user> <password>",
}

// maxMillis keeps a count of milliseconds within a time.Duration.
const maxMillis = math.MaxInt64 / int64(time.Millisecond)

// parseArgs fills req from the arguments of its command.
func parseArgs(req *Request, args [][]byte) error {
	lo, hi := 0, 0
	switch req.Cmd {
	case CmdPut, CmdGet, CmdPeek, CmdMonitor:
		lo, hi = 1, 2
	case CmdConfirm:
		lo, hi = 2, 2
	case CmdFlush, CmdDelete:
		lo, hi = 1, 1
	case CmdStatus:
		lo, hi = 0, 1
	case CmdAuth:
		lo, hi = 2, 2
	}
	if len(args) < lo || len(args) > hi {
		return clientError("usage: " + usages[req.Cmd])
	}
	switch req.Cmd {
	case CmdStatus:
		if len(args) == 1 {
			req.Status = string(args[0])
		}
		return nil
	case CmdAuth:
		req.User, req.Password = string(args[0]), string(args[1])
		return nil
	}
	if lo == 0 {
		return nil
	}
	if err := config.ValidQueueName(string(args[0])); err != nil {
		return clientError(err.Error())
	}
	req.Queue = string(args[0])
	if len(args) == 2 {
		return parseNumber(req, args[1])
	}
	return nil
}

// parseNumber reads the number after the queue name: put's expiry (which
// may be negative: already expired), a fetch's timeout, confirm's count.
func parseNumber(req *Request, arg []byte) error {
	n, err := strconv.ParseInt(string(arg), 10, 64)
	bad := func(what string) error {
		return clientError(fmt.Sprintf("%s: bad %s %.64q", req.Cmd, what, arg))
	}
	switch {
	case req.Cmd == CmdConfirm:
		if err != nil || n < 0 || n > math.MaxInt32 {
			return bad("count")
		}
		req.Count = int(n)
	case req.Cmd == CmdPut:
		if err != nil || n > maxMillis || n < -maxMillis {
			return bad("expiry")
		}
		req.Expiry, req.HasExpiry = time.Duration(n)*time.Millisecond, true
	default:
		if err != nil || n < 0 || n > maxMillis {
			return bad("timeout")
		}
		req.Timeout = time.Duration(n) * time.Millisecond
	}
	return nil
}
