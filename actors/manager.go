package actors

import (
	"fmt"
	"sort"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/persistence"
)

// manager owns the name -> queue actor table. Every queue request passes
// through it, so that a queue being deleted can hold back requests for its
// name until its journal is gone and a fresh queue can take the name.
type manager struct {
	sys      *System
	ready    chan<- error
	queues   map[string]*queueEntry
	deleting map[string][]queueRequest
}

type queueEntry struct {
	pid   *actor.PID
	stats *queueStats
}

func newManager(sys *System, ready chan<- error) *manager {
	return &manager{
		sys:      sys,
		ready:    ready,
		queues:   make(map[string]*queueEntry),
		deleting: make(map[string][]queueRequest),
	}
}

func (m *manager) Receive(ctx actor.Context) {
	switch msg := ctx.Message().(type) {
	case *actor.Started:
		m.start(ctx)
	case *deleteRequest:
		m.delete(ctx, msg)
	case queueRequest:
		m.route(ctx, msg)
	case *listQueues:
		msg.reply <- m.list()
	case *queueGone:
		m.gone(ctx, msg.name)
	case *reconfigure:
		for name, e := range m.queues {
			ctx.Send(e.pid, &queueConfig{cfg: msg.cfg.QueueConfig(name)})
		}
	}
}

// start brings up a queue actor for every journal on disk and reports once
// all of them have replayed.
func (m *manager) start(ctx actor.Context) {
	ready := m.ready
	m.ready = nil
	if ready == nil {
		return // restarted by supervision: queues are children and survive
	}
	names, err := persistence.QueueNames(m.sys.Config().QueuePath)
	if err != nil {
		ready <- fmt.Errorf("scan queue_path: %w", err)
		return
	}
	replayed := make(chan error, len(names))
	for _, name := range names {
		m.spawn(ctx, name, replayed)
	}
	go func() {
		for range names {
			if err := <-replayed; err != nil {
				ready <- err
				return
			}
		}
		ready <- nil
	}()
}

func (m *manager) spawn(ctx actor.Context, name string, replayed chan<- error) *queueEntry {
	stats := &queueStats{}
	props := actor.PropsFromProducer(func() actor.Actor {
		// A queue restarted by supervision replays again but must not
		// report to a start-up that is long over.
		q := newQueueActor(m.sys, name, stats, replayed)
		replayed = nil
		return q
	})
	// Names are validated before they get here, and each name has one live
	// actor at a time, so SpawnNamed cannot collide.
	pid := ctx.Spawn(props)
	entry := &queueEntry{pid: pid, stats: stats}
	m.queues[name] = entry
	m.sys.Stats.QueueCreates.Add(1)
	return entry
}

func (m *manager) route(ctx actor.Context, req queueRequest) {
	name := req.queueName()
	if held, ok := m.deleting[name]; ok {
		m.deleting[name] = append(held, req)
		return
	}
	entry := m.queues[name]
	if entry == nil {
		if !req.createsQueue() {
			req.answer(reply{kind: replyUnknown})
			return
		}
		entry = m.spawn(ctx, name, nil)
	}
	ctx.Send(entry.pid, req)
}

func (m *manager) delete(ctx actor.Context, req *deleteRequest) {
	entry := m.queues[req.queue]
	if entry == nil {
		if _, ok := m.deleting[req.queue]; !ok {
			req.answer(reply{kind: replyDone})
			return
		}
		m.deleting[req.queue] = append(m.deleting[req.queue], req)
		return
	}
	delete(m.queues, req.queue)
	m.deleting[req.queue] = nil
	ctx.Send(entry.pid, req)
}

// gone releases the requests held while a queue was being deleted.
func (m *manager) gone(ctx actor.Context, name string) {
	held := m.deleting[name]
	delete(m.deleting, name)
	m.sys.Stats.QueueDeletes.Add(1)
	for _, req := range held {
		if del, ok := req.(*deleteRequest); ok {
			m.delete(ctx, del)
			continue
		}
		m.route(ctx, req)
	}
}

func (m *manager) list() []queueInfo {
	out := make([]queueInfo, 0, len(m.queues))
	for name, e := range m.queues {
		out = append(out, queueInfo{name: name, stats: e.stats})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
