package main

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/admin"
	"github.com/kestrel-go/kestrel/protocol/tracing"
)

// startTracing turns tracing on when the OpenTelemetry environment asks
// for it; it must run before the queues start so their journals are seen.
func (s *server) startTracing() error {
	stop, err := tracing.Start(context.Background(), s.log)
	if err != nil {
		return err
	}
	s.stopTracing = stop
	return nil
}

// listenAdmin serves the admin HTTP pages on admin_port (0: none).
func (s *server) listenAdmin(cfg *config.Config) error {
	if cfg.AdminPort == 0 {
		return nil
	}
	a, err := admin.New(s.queues, s.log.With("listener", "admin"))
	if err != nil {
		return err
	}
	addr := net.JoinHostPort(cfg.ListenAddress, strconv.Itoa(cfg.AdminPort))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("admin_port: listen on %s: %w", addr, err)
	}
	s.admin = a
	s.log.Info("admin listening", "addr", ln.Addr().String(), "pprof", cfg.AdminPprof, "tls", cfg.TLSCertificate != nil)
	ln = s.secure(cfg, ln)
	go func() {
		if err := a.Serve(ln); err != nil {
			s.log.Error("admin listener failed", "err", err)
		}
	}()
	return nil
}

// closeAdmin stops the admin pages; before the queues stop, since the
// pages read them.
func (s *server) closeAdmin(ctx context.Context) {
	if s.admin == nil {
		return
	}
	if err := s.admin.Close(ctx); err != nil {
		s.log.Warn("closing admin listener", "err", err)
	}
}

// stopTraces sends the spans still buffered; after the queues stop, so
// their last journal fsyncs are in.
func (s *server) stopTraces(ctx context.Context) {
	if s.stopTracing == nil {
		return
	}
	if err := s.stopTracing(ctx); err != nil {
		s.log.Warn("stopping tracing", "err", err)
	}
}
