// Package kload reproduces Kestrel's load tests (put-many, flood, ...) against
// any server speaking Kestrel's memcache protocol, printing the same report
// lines as the originals plus one machine-readable RESULT line.
//
// Each test lives in its own file and registers itself from init, so adding a
// test touches nothing else.
package kload

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Test is one load test. Its fields are its parameters, so it can be run from
// code as well as from the command line.
type Test interface {
	// Flags registers the test's own flags, defaulting to its current fields.
	Flags(fs *flag.FlagSet)
	// Run executes the test, writing Kestrel's report lines to out. The error
	// is for a test that could not start (bad parameters); failures seen while
	// running are in Result.Errors.
	Run(c Common, out io.Writer) (*Result, error)
}

// Entry describes a registered test.
type Entry struct {
	Name    string
	Summary string
	New     func() Test // returns the test with Kestrel's defaults
}

var registry = map[string]Entry{}

// Register adds a test; it is meant to be called from init in the test's file.
func Register(e Entry) {
	if _, dup := registry[e.Name]; dup {
		panic("kload: test registered twice: " + e.Name)
	}
	registry[e.Name] = e
}

// Lookup finds a registered test by name.
func Lookup(name string) (Entry, bool) {
	e, ok := registry[name]
	return e, ok
}

// Tests lists the registered tests by name.
func Tests() []Entry {
	var all []Entry
	for _, e := range registry {
		all = append(all, e)
	}
	slices.SortFunc(all, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return all
}

// DefaultServer is where Kestrel listens for memcache clients.
const DefaultServer = "localhost:22133"

// Common holds the parameters every test shares.
type Common struct {
	Server   string        // host:port
	Pipeline int           // requests written before reading their replies
	Duration time.Duration // if > 0, stop issuing new work after this long
}

// DefaultCommon returns the shared defaults.
func DefaultCommon() Common {
	return Common{Server: DefaultServer, Pipeline: 1}
}

// Flags registers the shared flags.
func (c *Common) Flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Server, "server", c.Server, "server `host:port`")
	fs.IntVar(&c.Pipeline, "pipeline", c.Pipeline, "write `N` requests before reading their replies")
	fs.IntVar(&c.Pipeline, "r", c.Pipeline, "alias of --pipeline (Kestrel's rollup)")
	fs.DurationVar(&c.Duration, "duration", c.Duration, "stop issuing requests after `D` (0: no time bound)")
}

func (c Common) validate() error {
	switch {
	case c.Server == "":
		return errors.New("--server is empty")
	case c.Pipeline < 1:
		return fmt.Errorf("--pipeline must be at least 1, not %d", c.Pipeline)
	case c.Duration < 0:
		return fmt.Errorf("--duration must not be negative, not %s", c.Duration)
	}
	return nil
}

// deadline is when a run starting now must stop issuing work; zero means never.
func (c Common) deadline(start time.Time) time.Time {
	if c.Duration <= 0 {
		return time.Time{}
	}
	return start.Add(c.Duration)
}

// expired reports whether a deadline from Common.deadline has passed.
func expired(deadline time.Time) bool {
	return !deadline.IsZero() && time.Now().After(deadline)
}

// sampleBudget is how many latency samples a run keeps in all, split between
// its clients: ample for p99.99, at 8 bytes each.
const sampleBudget = 1 << 20

// newClientRecorder sizes a recorder as one client's share of sampleBudget.
func newClientRecorder(clients int) *Recorder {
	return NewRecorder(sampleBudget / max(clients, 1))
}
