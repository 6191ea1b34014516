// Package admin is the admin HTTP server of admin_port: the server's
// figures as Ostrich's /stats.txt and /stats.json (as Kestrel served them),
// Prometheus's /metrics, /healthz for load balancers and orchestrators,
// and Go's profiler under /debug/pprof/ when admin_pprof is set.
package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/kestrel-go/kestrel/actors"
)

// Server serves the admin pages of one System.
type Server struct {
	sys     *actors.System
	log     *slog.Logger
	metrics *Metrics
	http    *http.Server
}

// New builds the admin server of sys; its metrics start counting journal
// work at once, listening or not.
func New(sys *actors.System, log *slog.Logger) (*Server, error) {
	metrics, err := NewMetrics(sys)
	if err != nil {
		return nil, err
	}
	sys.AddJournalObserver(metrics)
	s := &Server{sys: sys, log: log, metrics: metrics}
	s.http = &http.Server{
		Handler:           s.routes(sys.Config().AdminPprof),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Handler is every admin page.
func (s *Server) Handler() http.Handler { return s.http.Handler }

func (s *Server) routes(withPprof bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats.txt", s.statsText)
	mux.HandleFunc("GET /stats.json", s.statsJSON)
	mux.Handle("GET /metrics", s.metrics.Handler())
	mux.HandleFunc("GET /healthz", s.healthz)
	if withPprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	return mux
}

// healthz answers 200 while the server takes work (up, or read_only: reads
// still drain the queues) and 503 once it is quiescent, so a load balancer
// stops sending clients. The body is the status.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	status := s.sys.Status()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if status == actors.StatusQuiescent {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_, _ = io.WriteString(w, status.String()+"\n")
}

// Serve answers on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.http.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("admin: serve %s: %w", ln.Addr(), err)
	}
	return nil
}

// Close stops answering, waiting for requests under way until ctx ends,
// and stops the metrics.
func (s *Server) Close(ctx context.Context) error {
	err := s.http.Shutdown(ctx)
	return errors.Join(err, s.metrics.Shutdown(ctx))
}
