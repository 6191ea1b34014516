package main

import (
	"fmt"
	"net"
	"strconv"

	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/remote"
)

// listenRemote serves the remote API on remote_port (0: none).
func (s *server) listenRemote(cfg *config.Config) error {
	if cfg.RemotePort == 0 {
		return nil
	}
	addr := net.JoinHostPort(cfg.ListenAddress, strconv.Itoa(cfg.RemotePort))
	r, err := remote.Listen(s.queues, addr, s.log.With("listener", "remote"))
	if err != nil {
		return fmt.Errorf("remote_port: %w", err)
	}
	s.remote = r
	s.log.Info("remote listening", "addr", r.Addr())
	return nil
}

// closeRemote ends the remote clients' sessions, so their open reads go
// back to their queues before the queues stop.
func (s *server) closeRemote() {
	if s.remote != nil {
		_ = s.remote.Close()
	}
}
