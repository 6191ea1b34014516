package actors

import (
	"fmt"
	"sort"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/persistence"
)

// manager owns the name -> queue actor table. Every queue request passes
// through it, so that a queue being deleted can hold back requests for its
// name until its journal is gone and a fresh queue can take the name, and
// so that aliases and fanout children are resolved in one place.
type manager struct {
	sys      *System
	ready    chan<- error
	queues   map[string]*queueEntry
	deleting map[string]*deletion
	children map[string][]string // parent -> fanout children, sorted
}

type queueEntry struct {
	pid   *actor.PID
	stats *queueStats
}

// deletion holds the requests for a name while its queue is going away.
// An idle-expiry deletion can be called off by the queue (queueKept).
type deletion struct {
	entry  *queueEntry
	held   []queueRequest
	retire bool // max_queue_age, not a client's delete
}

func newManager(sys *System, ready chan<- error) *manager {
	return &manager{
		sys:      sys,
		ready:    ready,
		queues:   make(map[string]*queueEntry),
		deleting: make(map[string]*deletion),
		children: make(map[string][]string),
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
	case *queueKept:
		m.kept(ctx, msg.name)
	case *retireQueue:
		m.retire(ctx, msg.name)
	case sweepTick:
		for _, e := range m.queues {
			ctx.Send(e.pid, sweepTick{})
		}
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
	entry := &queueEntry{pid: ctx.Spawn(props), stats: stats}
	m.queues[name] = entry
	m.sys.indexQueue(name, stats)
	m.sys.Stats.QueueCreates.Add(1)
	if kids := m.children[name]; len(kids) > 0 {
		ctx.Send(entry.pid, &fanoutChildren{names: kids})
	}
	if parent := fanoutParent(name); parent != "" {
		m.setChild(ctx, parent, name, true)
	}
	return entry
}

// setChild adds or removes a fanout child and tells its parent, if live.
func (m *manager) setChild(ctx actor.Context, parent, child string, present bool) {
	kids := make([]string, 0, len(m.children[parent])+1)
	for _, k := range m.children[parent] {
		if k != child {
			kids = append(kids, k)
		}
	}
	if present {
		kids = append(kids, child)
		sort.Strings(kids)
	}
	if len(kids) == 0 {
		delete(m.children, parent)
	} else {
		m.children[parent] = kids
	}
	if p := m.queues[parent]; p != nil {
		ctx.Send(p.pid, &fanoutChildren{names: kids})
	}
}

func (m *manager) route(ctx actor.Context, req queueRequest) {
	name := req.queueName()
	if d, ok := m.deleting[name]; ok {
		d.held = append(d.held, req)
		return
	}
	if alias, ok := m.sys.Config().Aliases[name]; ok {
		m.routeAlias(ctx, req, alias.DestQueues)
		return
	}
	entry := m.queues[name]
	if entry == nil {
		if !req.createsQueue() {
			req.answer(reply{kind: replyUnknown})
			return
		}
		entry = m.spawn(ctx, name, nil)
		m.sys.logQueueCreated(name, req)
	}
	ctx.Send(entry.pid, req)
}

// routeAlias sends a put to every destination of an alias; anything else on
// an alias is answered as if by an empty queue.
func (m *manager) routeAlias(ctx actor.Context, req queueRequest, dests []string) {
	put, ok := req.(*putRequest)
	if !ok {
		if _, isGet := req.(*getRequest); isGet {
			req.answer(reply{kind: replyEmpty})
			return
		}
		req.answer(reply{kind: replyDone})
		return
	}
	if put.join != nil || put.reply == nil || len(dests) == 0 {
		// Nobody waits on this put (noreply, or expired items moving on):
		// acknowledge it and let the copies go on their own.
		put.answer(reply{kind: replyDone})
		for _, dest := range dests {
			m.route(ctx, &putRequest{requestBase: requestBase{queue: dest}, data: put.data, expiry: put.expiry})
		}
		return
	}
	join := newFanoutJoin(put.reply, len(dests))
	for _, dest := range dests {
		m.route(ctx, &putRequest{requestBase: requestBase{queue: dest}, data: put.data, expiry: put.expiry, join: join, counts: true})
	}
}

func (m *manager) delete(ctx actor.Context, req *deleteRequest) {
	if _, isAlias := m.sys.Config().Aliases[req.queue]; isAlias {
		req.answer(reply{kind: replyDone}) // deleting an alias is ignored
		return
	}
	if d, ok := m.deleting[req.queue]; ok {
		d.held = append(d.held, req)
		return
	}
	entry := m.queues[req.queue]
	if entry == nil {
		req.answer(reply{kind: replyDone})
		return
	}
	delete(m.queues, req.queue)
	m.deleting[req.queue] = &deletion{entry: entry, retire: req.ifIdle}
	ctx.Send(entry.pid, req)
}

// retire deletes a queue that reported itself empty past max_queue_age.
func (m *manager) retire(ctx actor.Context, name string) {
	if _, ok := m.queues[name]; !ok {
		return
	}
	m.delete(ctx, &deleteRequest{requestBase: requestBase{queue: name}, ifIdle: true})
}

// gone releases the requests held while a queue was being deleted.
func (m *manager) gone(ctx actor.Context, name string) {
	d := m.deleting[name]
	delete(m.deleting, name)
	m.sys.unindexQueue(name)
	m.sys.Stats.QueueDeletes.Add(1)
	if d != nil && d.retire {
		m.sys.Stats.QueueExpires.Add(1)
	}
	if parent := fanoutParent(name); parent != "" {
		m.setChild(ctx, parent, name, false)
	}
	m.release(ctx, d)
}

// kept puts back a queue that declined to retire.
func (m *manager) kept(ctx actor.Context, name string) {
	d := m.deleting[name]
	delete(m.deleting, name)
	m.queues[name] = d.entry
	m.release(ctx, d)
}

func (m *manager) release(ctx actor.Context, d *deletion) {
	if d == nil {
		return
	}
	for _, req := range d.held {
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
