// Package actors holds the server's queues and the actors around them: a
// queue manager with one actor per queue, one actor per client connection and
// one per open read. Protocol code talks to it only through Session.
package actors

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/persistence"
)

// System is a running set of queues.
type System struct {
	cfg       atomic.Pointer[config.Config]
	actors    *actor.ActorSystem
	root      *actor.RootContext
	manager   *actor.PID
	log       *slog.Logger
	Stats     *ServerStats
	status    serverStatus
	stopSweep chan struct{}
	obs       observability
	disk      func(path string) (persistence.File, error) // nil: the real disk

	connectionProps  *actor.Props
	transactionProps func(read openRead, timeout time.Duration) *actor.Props
}

// Start replays every journal under cfg.QueuePath and returns once every
// queue found there is serving, so listeners opened afterwards expose whole
// queues.
func Start(cfg *config.Config, log *slog.Logger) (*System, error) {
	return start(cfg, log, nil)
}

// start is Start with the disk journals open their files on (nil: the real
// one); tests pass a disk that fails.
func start(cfg *config.Config, log *slog.Logger, disk func(path string) (persistence.File, error)) (*System, error) {
	if log == nil {
		log = slog.Default()
	}
	s := &System{log: log, Stats: &ServerStats{started: time.Now()}, disk: disk}
	s.cfg.Store(cfg)
	initial, err := ParseStatus(cfg.DefaultStatus)
	if err != nil {
		return nil, fmt.Errorf("default_status: %w", err)
	}
	if err := s.status.load(cfg.StatusFile, initial); err != nil {
		return nil, err
	}
	s.actors = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger {
		// protoactor logs every supervision event at Info; keep ours quiet
		// unless something is wrong.
		return log.With("lib", "protoactor")
	}))
	s.root = s.actors.Root
	s.transactionProps = func(read openRead, timeout time.Duration) *actor.Props {
		return actor.PropsFromProducer(func() actor.Actor {
			return &transactionActor{sys: s, read: read, timeout: timeout}
		})
	}
	ready := make(chan error, 1)
	props := actor.PropsFromProducer(func() actor.Actor { return newManager(s, ready) },
		actor.WithSupervisor(queueSupervisor()))
	pid, err := s.root.SpawnNamed(props, "queues")
	if err != nil {
		return nil, fmt.Errorf("start queue manager: %w", err)
	}
	s.manager = pid
	if err := <-ready; err != nil {
		s.actors.Shutdown()
		return nil, err
	}
	s.startSweeper(cfg.ExpirationTimerFrequency)
	return s, nil
}

// startSweeper starts the background expiry: every period, each queue
// drops (or moves) up to max_expire_sweep expired items from its head.
func (s *System) startSweeper(period time.Duration) {
	s.stopSweep = make(chan struct{})
	if period <= 0 {
		return
	}
	go func() {
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				s.root.Send(s.manager, sweepTick{})
			case <-s.stopSweep:
				return
			}
		}
	}()
}

// queueSupervisor restarts a queue actor that panicked; the new instance
// rebuilds its state from the journal. A queue that keeps failing is stopped.
func queueSupervisor() actor.SupervisorStrategy {
	return actor.NewOneForOneStrategy(10, time.Minute, func(reason interface{}) actor.Directive {
		return actor.RestartDirective
	})
}

// Config returns the configuration in force.
func (s *System) Config() *config.Config { return s.cfg.Load() }

// Reconfigure applies a reloaded config: queue and alias settings take
// effect on live queues; server settings (ports, paths) keep their values
// until restart, as in Kestrel.
func (s *System) Reconfigure(cfg *config.Config) {
	old := s.cfg.Load()
	next := *cfg
	next.ListenAddress, next.QueuePath = old.ListenAddress, old.QueuePath
	next.MemcachePort, next.TextPort, next.RemotePort, next.AdminPort = old.MemcachePort, old.TextPort, old.RemotePort, old.AdminPort
	s.cfg.Store(&next)
	s.root.Send(s.manager, &reconfigure{cfg: &next})
}

// Shutdown stops every queue gracefully: queued messages are handled,
// journals flushed, fsynced and closed.
func (s *System) Shutdown(ctx context.Context) error {
	close(s.stopSweep)
	done := make(chan struct{})
	go func() {
		_ = s.root.PoisonFuture(s.manager).Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return fmt.Errorf("shutdown: queues did not stop: %w", ctx.Err())
	}
	s.actors.Shutdown()
	return nil
}

// Report gathers every global and per-queue figure.
func (s *System) Report() Report {
	queues := s.listQueues()
	r := Report{Queues: make([]QueueReport, 0, len(queues))}
	for _, q := range queues {
		r.Queues = append(r.Queues, QueueReport{Name: q.name, Stats: q.stats.list()})
	}
	r.Global = s.Stats.list(time.Now(), r.Queues)
	return r
}

// QueueNames lists the live queues, sorted.
func (s *System) QueueNames() []string {
	queues := s.listQueues()
	names := make([]string, len(queues))
	for i, q := range queues {
		names[i] = q.name
	}
	return names
}

func (s *System) listQueues() []queueInfo {
	ch := make(chan []queueInfo, 1)
	s.root.Send(s.manager, &listQueues{reply: ch})
	return <-ch
}
