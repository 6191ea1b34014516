package main

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/text"
)

// listenText serves the text protocol on text_port (0: none).
func (s *server) listenText(cfg *config.Config) error {
	if cfg.TextPort == 0 {
		return nil
	}
	addr := net.JoinHostPort(cfg.ListenAddress, strconv.Itoa(cfg.TextPort))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("text_port: listen on %s: %w", addr, err)
	}
	s.text = &text.Server{Queues: s.queues, Log: s.log.With("listener", "text"), OnShutdown: s.shutdown}
	s.log.Info("text listening", "addr", ln.Addr().String(), "tls", cfg.TLSCertificate != nil)
	ln = s.secure(cfg, ln)
	go func() {
		if err := s.text.Serve(ln); err != nil {
			s.log.Error("text listener failed", "err", err)
			s.shutdown()
		}
	}()
	return nil
}

// closeText closes the text listener and its connections, whose open
// reads go back to their queues; so before the queues stop.
func (s *server) closeText() {
	if s.text == nil {
		return
	}
	if err := s.text.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		s.log.Warn("closing text listener", "err", err)
	}
}
