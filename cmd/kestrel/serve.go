package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/admin"
	"github.com/kestrel-go/kestrel/protocol/memcache"
	"github.com/kestrel-go/kestrel/protocol/remote"
	"github.com/kestrel-go/kestrel/protocol/text"
	"github.com/kestrel-go/kestrel/protocol/tracing"
)

// serve runs the server until SIGTERM, SIGINT or the shutdown command.
func serve(args []string) error {
	fs := pflag.NewFlagSet("kestrel", pflag.ContinueOnError)
	configPath := fs.String("config", "", "YAML config file (default: embedded defaults)")
	config.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	load := func() (*config.Config, error) { return config.Load(*configPath, os.Environ(), fs) }
	cfg, err := load()
	if err != nil {
		return err
	}
	log, err := newLogger(cfg)
	if err != nil {
		return err
	}
	slog.SetDefault(log)
	srv := &server{log: log, load: load, stop: make(chan struct{})}
	return srv.run(cfg, *configPath != "")
}

func newLogger(cfg *config.Config) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, fmt.Errorf("log_level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
}

type server struct {
	log      *slog.Logger
	load     func() (*config.Config, error)
	queues   *actors.System
	memcache *memcache.Server
	admin    *admin.Server
	text     *text.Server
	remote   *remote.Server
	stop     chan struct{}
	stopOnce sync.Once

	stopTracing func(context.Context) error
}

func (s *server) run(cfg *config.Config, reloadable bool) error {
	if err := s.startTracing(); err != nil {
		return err
	}
	queues, err := actors.Start(cfg, s.log)
	if err != nil {
		s.stopTraces(context.Background())
		return err
	}
	s.queues = queues
	queues.AddJournalObserver(tracing.JournalSpans{})
	s.memcache = &memcache.Server{Queues: queues, Log: s.log.With("listener", "memcache"), OnShutdown: s.shutdown}
	if reloadable {
		s.memcache.OnReload = s.reload
	}
	served := make(chan error, 1)
	if err := s.listen(cfg, served); err != nil {
		s.closeAdmin(context.Background())
		s.closeText()
		s.closeRemote()
		_ = queues.Shutdown(context.Background())
		s.stopTraces(context.Background())
		return err
	}
	s.waitForStop(served)
	return s.close()
}

// listen opens the listeners; only after every journal was replayed, so a
// client that connects sees whole queues.
func (s *server) listen(cfg *config.Config, served chan<- error) error {
	if err := s.listenRemote(cfg); err != nil {
		return err
	}
	if err := s.listenAdmin(cfg); err != nil {
		return err
	}
	if err := s.listenText(cfg); err != nil {
		return err
	}
	if cfg.MemcachePort == 0 {
		return nil
	}
	addr := net.JoinHostPort(cfg.ListenAddress, strconv.Itoa(cfg.MemcachePort))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("memcache_port: listen on %s: %w", addr, err)
	}
	s.log.Info("memcache listening", "addr", ln.Addr().String(), "tls", cfg.TLSCertificate != nil)
	ln = s.secure(cfg, ln)
	go func() { served <- s.memcache.Serve(ln) }()
	return nil
}

func (s *server) waitForStop(served <-chan error) {
	signals := make(chan os.Signal, 4)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	defer signal.Stop(signals)
	for {
		select {
		case sig := <-signals:
			if sig == syscall.SIGHUP {
				if err := s.reload(); err != nil {
					s.log.Error("reload failed; keeping the old config", "err", err)
				}
				continue
			}
			s.log.Info("stopping", "signal", sig.String())
			return
		case err := <-served:
			if err != nil {
				s.log.Error("memcache listener failed", "err", err)
			}
			return
		case <-s.stop:
			s.log.Info("stopping", "cause", "shutdown command")
			return
		}
	}
}

func (s *server) shutdown() { s.stopOnce.Do(func() { close(s.stop) }) }

// reload re-reads the config file and applies queue settings to live queues.
func (s *server) reload() error {
	cfg, err := s.load()
	if err != nil {
		return err
	}
	s.queues.Reconfigure(cfg)
	s.log.Info("config reloaded")
	return nil
}

// close stops the listeners (open reads go back to their queues), then the
// queues (journals flushed, fsynced and closed).
func (s *server) close() error {
	if err := s.memcache.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		s.log.Warn("closing memcache listener", "err", err)
	}
	s.closeText()
	s.closeRemote()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.closeAdmin(ctx)
	err := s.queues.Shutdown(ctx)
	s.stopTraces(ctx)
	return err
}
