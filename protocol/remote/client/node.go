package client

import (
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// inboxPrefix starts the name of every client's inbox actor.
const inboxPrefix = "client-"

// nodes are the process's listening nodes, by the address asked for. The
// clients of a process share one (each has its own inbox on it), and it
// lives as long as the process: starting protoactor's remote more than
// once per process races on gRPC's global logger.
var nodes = struct {
	sync.Mutex
	byAddr map[string]*wire.Node
}{byAddr: make(map[string]*wire.Node)}

func nodeFor(addr string, log *slog.Logger) (*wire.Node, error) {
	nodes.Lock()
	defer nodes.Unlock()
	if n, ok := nodes.byAddr[addr]; ok {
		return n, nil
	}
	guard := &wire.Guard{
		Log: log,
		// Servers send replies, and watch the inbox of each client.
		Types:  map[string]bool{wire.EnvelopeType: true, "actor.Watch": true, "actor.Unwatch": true},
		Target: func(id string) bool { return strings.HasPrefix(id, inboxPrefix) },
	}
	n, err := wire.Listen(wire.NodeConfig{Addr: addr, Log: log, Guard: guard, MaxFrame: math.MaxInt32})
	if err != nil {
		return nil, fmt.Errorf("kestrel client: %w", err)
	}
	nodes.byAddr[addr] = n
	return n, nil
}
