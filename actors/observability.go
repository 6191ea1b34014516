package actors

import (
	"sync"
	"sync/atomic"
)

// observability is what the System keeps for those watching it from
// outside the actors: metrics, traces and logs.
type observability struct {
	// queues maps a live queue's name to its stats, for the figures that
	// sessions count per queue. The manager keeps it in step with its table.
	queues sync.Map
	// journal is the list of JournalObservers, replaced whole on change.
	journal atomic.Pointer[[]JournalObserver]
}

func (s *System) indexQueue(name string, stats *queueStats) { s.obs.queues.Store(name, stats) }

func (s *System) unindexQueue(name string) { s.obs.queues.Delete(name) }

// countQueueRead counts an answered get or peek against its queue, as
// Session.Get counts it server-wide. A get answered for an alias has no
// queue and is not counted.
func (s *System) countQueueRead(queue string, peek, hit bool) {
	v, ok := s.obs.queues.Load(queue)
	if !ok {
		return
	}
	stats := v.(*queueStats)
	if peek {
		stats.cmdPeek.Add(1)
	} else {
		stats.cmdGet.Add(1)
	}
	if hit {
		stats.getHits.Add(1)
	} else {
		stats.getMisses.Add(1)
	}
}

// NewSessionFor is NewSession for a client at addr: the log lines of the
// queues it creates, flushes and deletes name it.
func (s *System) NewSessionFor(addr string) *Session {
	sess := s.NewSession()
	sess.client = addr
	return sess
}

func (r *requestBase) clientAddr() string { return r.client }

// logQueueCreated logs a queue made by a request, with the client who
// sent it when there is one.
func (s *System) logQueueCreated(name string, req queueRequest) {
	client := ""
	if r, ok := req.(interface{ clientAddr() string }); ok {
		client = r.clientAddr()
	}
	s.log.Info("queue created", "queue", name, "client", client)
}
