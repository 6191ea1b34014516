package client

import (
	"errors"
	"fmt"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

var (
	// ErrClosed is a call on a closed client.
	ErrClosed = errors.New("kestrel client: closed")
	// ErrUnavailable is an operation that no server would take: every one
	// was down or refused it (read only, quiescent, busy). It wraps the
	// error of the last server tried.
	ErrUnavailable = errors.New("kestrel client: no server available")

	errConnectionLost = errors.New("connection lost")
	errInboxTaken     = errors.New("kestrel client: inbox name taken")
)

// ServerError is a request a server refused.
type ServerError struct {
	Server  string
	Code    string // one of wire's Code constants, such as "too_large"
	Message string
	Status  Status // with code "status", the status that refused it
}

func (e *ServerError) Error() string {
	if e.Code == wire.CodeStatus {
		return fmt.Sprintf("server %s: refused: server is %s", e.Server, e.Status)
	}
	return fmt.Sprintf("server %s: %s: %s", e.Server, e.Code, e.Message)
}

// unreachableError is a request that got no reply: the server is down,
// its connection broke, or it did not answer in time.
type unreachableError struct {
	server string
	err    error
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("server %s: %v", e.server, e.err)
}

func (e *unreachableError) Unwrap() error { return e.err }

// retryElsewhere says whether another server may take what this one did
// not: it is down, or it refused by its status or because it is busy.
func retryElsewhere(err error) bool {
	var down *unreachableError
	var refused *ServerError
	switch {
	case errors.As(err, &down):
		return true
	case errors.As(err, &refused):
		return refused.Code == wire.CodeStatus || refused.Code == wire.CodeBusy
	}
	return false
}

// Status is a server status, as in kestrel.thrift.
type Status = wire.Status

// The server statuses.
const (
	StatusUp        = wire.Up
	StatusReadOnly  = wire.ReadOnly
	StatusQuiescent = wire.Quiescent
)
