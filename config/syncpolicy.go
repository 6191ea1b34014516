package config

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// SyncPolicy is sync_journal: when a journal write is fsynced. Every write
// reaches the operating system before its reply whatever the policy; the
// policy only decides when it survives a power loss.
//
//	never  the operating system decides
//	0s     fsync before acknowledging (writes arriving together share one)
//	100ms  fsync at most this long after a write
type SyncPolicy struct {
	Never  bool
	Period time.Duration
}

// Always reports whether every write is fsynced before it is acknowledged.
func (p SyncPolicy) Always() bool {
	return !p.Never && p.Period == 0
}

// UnmarshalText reads "never" or a Go duration.
func (p *SyncPolicy) UnmarshalText(text []byte) error {
	s := strings.TrimSpace(string(text))
	if strings.EqualFold(s, "never") {
		*p = SyncPolicy{Never: true}
		return nil
	}
	d, err := parseDuration(s)
	if err != nil {
		return fmt.Errorf(`want "never" or a duration like "0s" or "100ms": %w`, err)
	}
	if d < 0 {
		return errors.New("must not be negative")
	}
	*p = SyncPolicy{Period: d}
	return nil
}

// MarshalText writes the form UnmarshalText reads.
func (p SyncPolicy) MarshalText() ([]byte, error) {
	return []byte(p.String()), nil
}

// String is "never" or the period ("0s", "100ms").
func (p SyncPolicy) String() string {
	if p.Never {
		return "never"
	}
	return p.Period.String()
}
