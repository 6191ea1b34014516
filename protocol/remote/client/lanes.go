package client

import (
	"context"
	"slices"
	"sync"
	"time"
)

// lane is one of the client's sessions on a server. The server runs a
// session's requests one at a time and keeps its open reads, so the client
// gives each call a lane of its own and sends the confirm of an item to
// the lane that fetched it.
type lane struct {
	id      uint32
	busy    bool
	waiters []chan struct{} // calls waiting for this very lane
	// Reads fetched on this lane and not settled; the server gives them
	// back by openUntil at the latest.
	open      int
	openUntil time.Time
}

// holdsOpen says whether the lane may still hold open reads: a plain or
// waiting get is better run elsewhere, so as not to hold up their confirm.
func (l *lane) holdsOpen(now time.Time) bool { return l.open > 0 && now.Before(l.openUntil) }

// maxLanes bounds a client's sessions on one server, below the server's
// own bound (1024): calls beyond it wait for a lane.
const maxLanes = 1000

// lanePool is a server's lanes.
type lanePool struct {
	// slots holds a token for each lane in use, so at most maxLanes are.
	slots chan struct{}
	mu    sync.Mutex
	idle  []*lane
	next  uint32 // lanes made so far
}

func newLanePool() *lanePool { return &lanePool{slots: make(chan struct{}, maxLanes)} }

// used says whether any lane was made: the server knows the client.
func (p *lanePool) used() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.next > 0
}

// take returns an idle lane, one holding no open reads if clean and there
// is one, or a new lane; it waits while maxLanes are in use.
func (p *lanePool) take(ctx context.Context, clean bool) (*lane, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	// With maxLanes made, one is idle (this call holds a slot): any will do.
	clean = clean && p.next < maxLanes
	for i := len(p.idle) - 1; i >= 0; i-- {
		l := p.idle[i]
		if clean && l.holdsOpen(now) {
			continue
		}
		p.idle = slices.Delete(p.idle, i, i+1)
		l.busy = true
		return l, nil
	}
	l := &lane{id: p.next, busy: true}
	p.next++
	return l, nil
}

// takeLane waits until l is free and takes it.
func (p *lanePool) takeLane(ctx context.Context, l *lane) error {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	p.mu.Lock()
	if !l.busy {
		l.busy = true
		p.idle = slices.DeleteFunc(p.idle, func(x *lane) bool { return x == l })
		p.mu.Unlock()
		return nil
	}
	ready := make(chan struct{})
	l.waiters = append(l.waiters, ready)
	p.mu.Unlock()
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
	}
	p.mu.Lock()
	waiting := slices.Contains(l.waiters, ready)
	l.waiters = slices.DeleteFunc(l.waiters, func(c chan struct{}) bool { return c == ready })
	p.mu.Unlock()
	if waiting {
		<-p.slots
	} else {
		p.give(l) // handed over just as ctx ended
	}
	return ctx.Err()
}

// give returns l: to the first call waiting for it, or to the idle lanes.
func (p *lanePool) give(l *lane) {
	defer func() { <-p.slots }()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(l.waiters) > 0 {
		close(l.waiters[0])
		l.waiters = l.waiters[1:]
		return
	}
	l.busy = false
	p.idle = append(p.idle, l)
}

// opened notes n reads fetched on l that the server returns after
// autoAbort unless settled.
func (p *lanePool) opened(l *lane, n int, autoAbort time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l.open += n
	if until := time.Now().Add(autoAbort); until.After(l.openUntil) {
		l.openUntil = until
	}
}

// settled notes n reads of l confirmed or aborted.
func (p *lanePool) settled(l *lane, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l.open = max(l.open-n, 0)
}
