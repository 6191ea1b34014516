package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// How long a server that failed is skipped: from minBackoff, doubling with
// each failure in a row, up to maxBackoff.
const (
	minBackoff = 500 * time.Millisecond
	maxBackoff = 30 * time.Second
	probeWait  = time.Second
)

// server is one server of the client's list and what the client knows of
// its health.
type server struct {
	addr  string
	pid   *actor.PID
	lanes *lanePool

	mu        sync.Mutex
	healthy   bool // answered its last request
	downUntil time.Time
	backoff   time.Duration
	probing   sync.Mutex
}

func newServer(addr string) *server {
	return &server{addr: addr, pid: actor.NewPID(addr, serverActor), lanes: newLanePool()}
}

func (s *server) markUp() {
	s.mu.Lock()
	s.healthy, s.backoff = true, 0
	s.mu.Unlock()
}

func (s *server) markDown() {
	s.mu.Lock()
	s.healthy = false
	s.backoff = min(max(2*s.backoff, minBackoff), maxBackoff)
	s.downUntil = time.Now().Add(s.backoff)
	s.mu.Unlock()
}

func (s *server) state() (healthy bool, downUntil time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.healthy, s.downUntil
}

// ready checks, before a server not known to be healthy is sent anything,
// that it accepts connections. protoactor would wait about 2 s before
// giving up on a server that refuses them.
func (s *server) ready() error {
	if healthy, _ := s.state(); healthy {
		return nil
	}
	s.probing.Lock()
	defer s.probing.Unlock()
	if healthy, _ := s.state(); healthy {
		return nil
	}
	conn, err := net.DialTimeout("tcp", s.addr, probeWait)
	if err != nil {
		return &unreachableError{server: s.addr, err: err}
	}
	conn.Close()
	s.markUp()
	return nil
}

// order is the servers in random order: first those not skipped for a
// failure, then the skipped ones, soonest due first, in case no other
// server takes the operation.
func (c *Client) order() []*server {
	now := time.Now()
	up := make([]*server, 0, len(c.servers))
	var down []*server
	for _, i := range rand.Perm(len(c.servers)) {
		s := c.servers[i]
		if healthy, until := s.state(); healthy || !now.Before(until) {
			up = append(up, s)
		} else {
			down = append(down, s)
		}
	}
	slices.SortFunc(down, func(a, b *server) int {
		_, ua := a.state()
		_, ub := b.state()
		return ua.Compare(ub)
	})
	return append(up, down...)
}

// each runs op on one server after another, in c.order(), until one takes
// it: a server that cannot be reached, or refuses by its status, passes the
// operation on to the next.
func (c *Client) each(ctx context.Context, op func(*server) error) error {
	var last error
	for _, srv := range c.order() {
		if c.closed.Load() {
			return ErrClosed
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		err := c.try(srv, op)
		if err == nil || !retryElsewhere(err) || ctx.Err() != nil {
			return err
		}
		last = err
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, last)
}

// try runs op on srv once it is ready, and skips srv for a while if it
// could not be reached.
func (c *Client) try(srv *server, op func(*server) error) error {
	err := srv.ready()
	if err == nil {
		err = op(srv)
	}
	var down *unreachableError
	if errors.As(err, &down) {
		srv.markDown()
	}
	return err
}

// find is the server of c with address addr.
func (c *Client) find(addr string) (*server, error) {
	for _, s := range c.servers {
		if s.addr == addr {
			return s, nil
		}
	}
	return nil, fmt.Errorf("kestrel client: %s is not one of its servers", addr)
}
