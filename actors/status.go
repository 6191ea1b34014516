package actors

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Status is the server's availability, as in Kestrel: Up serves
// everything, ReadOnly refuses changes, Quiescent refuses every queue
// operation but the confirmation of reads opened before.
type Status int32

const (
	StatusUp Status = iota
	StatusReadOnly
	StatusQuiescent
)

// String is the word `status` prints.
func (s Status) String() string {
	switch s {
	case StatusReadOnly:
		return "READONLY"
	case StatusQuiescent:
		return "QUIESCENT"
	}
	return "UP"
}

// ParseStatus reads up, readonly / read_only or quiescent, in any case.
func ParseStatus(word string) (Status, error) {
	switch strings.ToLower(strings.TrimSpace(word)) {
	case "up":
		return StatusUp, nil
	case "readonly", "read_only":
		return StatusReadOnly, nil
	case "quiescent":
		return StatusQuiescent, nil
	}
	return StatusUp, fmt.Errorf("unknown status %q (want up, read_only or quiescent)", word)
}

// StatusError is an operation refused by the server status; protocols
// answer SERVER_ERROR so clients retry on another server.
type StatusError struct{ Status Status }

func (e *StatusError) Error() string { return e.Status.String() }

// serverStatus holds the status in force and the one announced: a change
// to a stricter status waits status_change_grace_period before it applies,
// so clients watching the status can move away first.
type serverStatus struct {
	mu        sync.Mutex
	effective atomic.Int32
	announced Status
	timer     *time.Timer
	file      string
}

func (s *serverStatus) load(file string, fallback Status) error {
	s.file = file
	status := fallback
	if data, err := os.ReadFile(file); err == nil {
		if parsed, err := ParseStatus(string(data)); err == nil {
			status = parsed
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("status_file %s: %w", file, err)
	}
	s.announced = status
	s.effective.Store(int32(status))
	return nil
}

func (s *serverStatus) get() Status { return Status(s.effective.Load()) }

// set announces a new status, saves it, and applies it at once when it is
// less strict, or after grace when it is stricter.
func (s *serverStatus) set(next Status, grace time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.save(next); err != nil {
		return err
	}
	s.announced = next
	if s.timer != nil {
		s.timer.Stop()
	}
	if next <= s.get() || grace <= 0 {
		s.effective.Store(int32(next))
		return nil
	}
	s.timer = time.AfterFunc(grace, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.announced == next {
			s.effective.Store(int32(next))
		}
	})
	return nil
}

// save writes the status file atomically (write, fsync, rename).
func (s *serverStatus) save(status Status) error {
	if s.file == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(s.file), 0o755); err != nil {
		return fmt.Errorf("status_file %s: %w", s.file, err)
	}
	tmp := s.file + "~~"
	f, err := os.Create(tmp)
	if err == nil {
		_, err = f.WriteString(strings.ToLower(status.String()) + "\n")
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		err = os.Rename(tmp, s.file)
	}
	if err != nil {
		return fmt.Errorf("status_file %s: %w", s.file, err)
	}
	return nil
}

// Status is the status in force.
func (s *System) Status() Status { return s.status.get() }

// SetStatus changes the server status (see serverStatus.set) and logs it.
func (s *System) SetStatus(next Status) error {
	if err := s.status.set(next, s.Config().StatusChangeGracePeriod); err != nil {
		return err
	}
	s.log.Info("server status changed", "status", next.String())
	return nil
}

// allowWrite refuses sets, deletes and flushes unless the server is up.
func (s *System) allowWrite() error {
	if st := s.Status(); st != StatusUp {
		return &StatusError{st}
	}
	return nil
}

// allowRead refuses reads when the server is quiescent.
func (s *System) allowRead() error {
	if st := s.Status(); st == StatusQuiescent {
		return &StatusError{st}
	}
	return nil
}
