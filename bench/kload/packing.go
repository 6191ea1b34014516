package kload

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"
)

func init() {
	Register(Entry{
		Name:    "packing",
		Summary: "keep a queue behind through cycles of floods and pauses, watching its journal get packed",
		New:     func() Test { return NewPacking() },
	})
}

// Packing is Kestrel's packing (JournalPacking): one producer seeds the queue
// with Items items so that it falls behind, then Cycles times a producer
// puts Items more while a consumer takes Items out, with a pause after each
// cycle; a last cycle reads what is left. The queue stays one cycle behind
// all along, which is what makes a server rotate and pack its journal.
//
// Unlike Kestrel's, it checks that every item arrives exactly once and in
// order, and after each cycle reports the queue's journal figures from
// stats and, given PID, the server's resident memory.
type Packing struct {
	Items     int // per cycle
	KB        int // item size in kB, as Kestrel's -k
	Bytes     int // item size in bytes; overrides KB when > 0
	Queue     string
	Pause     time.Duration // after each cycle
	Cycles    int
	TimeoutMs int  // how long each get waits on the server
	Flush     bool // flush the queue first: stale items would fail the order check
	PID       int  // the server's process id, for its memory; 0 skips it
}

// NewPacking returns packing with Kestrel's defaults.
func NewPacking() *Packing {
	return &Packing{Items: 25000, KB: 1, Queue: "spam", Pause: time.Second, Cycles: 100, TimeoutMs: 1000, Flush: true}
}

// Flags registers packing's flags under Kestrel's names.
func (p *Packing) Flags(fs *flag.FlagSet) {
	fs.IntVar(&p.Items, "n", p.Items, "put and take `ITEMS` items per cycle")
	fs.IntVar(&p.KB, "k", p.KB, "put `KILOBYTES` per item")
	fs.IntVar(&p.Bytes, "b", p.Bytes, "put `BYTES` per item (overrides -k)")
	fs.StringVar(&p.Queue, "q", p.Queue, "queue `NAME`")
	fs.Var((*seconds)(&p.Pause), "t", "pause `SECONDS` between cycles")
	fs.IntVar(&p.Cycles, "c", p.Cycles, "do `CYCLES` read/write cycles")
	fs.IntVar(&p.TimeoutMs, "timeout", p.TimeoutMs, "the consumer sends get NAME/t=`MS`; 0 sends plain gets and spins")
	fs.BoolVar(&p.Flush, "flush", p.Flush, "flush the queue first (stale items would fail the order check)")
	fs.BoolFunc("F", "don't flush the queue first (Kestrel's -F)", func(string) error { p.Flush = false; return nil })
	fs.IntVar(&p.PID, "pid", p.PID, "after each cycle, report the resident memory of the server, process `PID` on this machine")
}

// seconds is a pause given in seconds, as Kestrel's -t was; fractions are
// allowed so that tests need not wait whole seconds.
type seconds time.Duration

func (s *seconds) String() string { return formatSeconds(time.Duration(*s)) }

func (s *seconds) Set(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1e6 {
		return fmt.Errorf("want a number of seconds in [0, 1e6], not %q", v)
	}
	*s = seconds(f * float64(time.Second))
	return nil
}

func formatSeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

func (p *Packing) itemSize() int {
	if p.Bytes > 0 {
		return p.Bytes
	}
	return p.KB * 1024
}

func (p *Packing) validate() error {
	switch {
	case p.Items < 1:
		return fmt.Errorf("packing: -n must be at least 1, not %d", p.Items)
	case p.Cycles < 0:
		return fmt.Errorf("packing: -c must not be negative, not %d", p.Cycles)
	case float64(p.Items)*float64(p.Cycles+1) >= 1e12:
		// Items are numbered from 0 across the run, in a 12-digit header.
		return fmt.Errorf("packing: -n %d times %d cycles is 1e12 items or more", p.Items, p.Cycles+1)
	case p.itemSize() < itemHeaderLen:
		return fmt.Errorf("packing: items must be at least %d bytes to carry their sequence header, not %d", itemHeaderLen, p.itemSize())
	case p.Queue == "":
		return errors.New("packing: -q is empty")
	case p.Pause < 0:
		return fmt.Errorf("packing: -t must not be negative, not %s", p.Pause)
	case p.TimeoutMs < 0:
		return fmt.Errorf("packing: --timeout must not be negative, not %d", p.TimeoutMs)
	case p.PID < 0:
		return fmt.Errorf("packing: --pid must not be negative, not %d", p.PID)
	}
	if p.PID > 0 {
		// A wrong pid should stop the run before it starts, not after.
		if _, err := readProcMemory(p.PID); err != nil {
			return fmt.Errorf("packing: --pid %d: %w", p.PID, err)
		}
	}
	return nil
}

// Run executes packing. RESULT's ops are the items read and its secs the
// time of the cycles that read, pauses and the seeding left out, so
// ops_per_sec is how fast items went through the queue; its latencies are
// the round trips of gets that returned an item, where a pack that held up
// the queue would show. --duration stops it starting new cycles; the queue
// is drained all the same.
func (p *Packing) Run(c Common, out io.Writer) (*Result, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	res := newResult("packing")
	fmt.Fprintf(out, "packing: %d items of %s with %s second pauses\n", p.Items, sizeLabel(p.itemSize()), formatSeconds(p.Pause))
	if p.Flush {
		fmt.Fprintln(out, "Flushing queues first.")
		if err := flushQueues(c.Server, []string{p.Queue}); err != nil {
			res.Errors.Add(err)
			return res, nil
		}
	}
	run, err := newPackingRun(p, c, res, out)
	if err != nil {
		res.Errors.Add(err)
		return res, nil
	}
	defer run.close()

	deadline := c.deadline(time.Now())
	ok := run.cycle(false, true)
	for i := 0; ok && i < p.Cycles && !expired(deadline); i++ {
		fmt.Fprintf(out, "cycle: %d\n", i+1)
		if ok = run.cycle(true, true); ok {
			time.Sleep(p.Pause)
		}
	}
	if ok {
		run.cycle(true, false)
	}
	run.finish()
	return res, nil
}
