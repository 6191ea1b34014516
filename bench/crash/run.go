package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"time"
)

// options shape one run.
type options struct {
	kills            int
	writers, readers int
	minUp, maxUp     time.Duration // how long the server runs before each kill
	abandon          float64       // chance a reader hangs up holding a read
	maxItem          int           // payload filler is 0..maxItem bytes
	seed             uint64
	env              []string
	binary, dir      string
	progress         io.Writer
}

// run kills the server opts.kills times under load, restarting it each
// time, then stops the load, restarts cleanly, drains the queue and
// tallies.
func run(opts options) (tally, error) {
	srv, err := newServer(opts.binary, opts.dir, opts.env)
	if err != nil {
		return tally{}, err
	}
	defer srv.log.Close()
	if err := srv.start(); err != nil {
		return tally{}, err
	}
	ld := &load{srv: srv, ledger: newLedger(), opts: opts}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range opts.writers {
		wg.Go(func() { ld.writer(w, stop) })
	}
	for r := range opts.readers {
		wg.Go(func() { ld.reader(r, stop) })
	}
	kills, err := killRepeatedly(ld, opts)
	close(stop)
	wg.Wait()
	if err == nil {
		err = finish(ld)
	} else {
		_ = srv.kill()
	}
	t := ld.ledger.tally(kills)
	return t, errors.Join(err, errors.Join(ld.faults...))
}

// killRepeatedly lets the load run a random while, kills, restarts; then
// lets it run once more.
func killRepeatedly(ld *load, opts options) (int, error) {
	rng := rand.New(rand.NewPCG(opts.seed, 7))
	for k := range opts.kills + 1 {
		if err := awaitProgress(ld); err != nil {
			return k, err
		}
		up := opts.minUp + time.Duration(rng.Int64N(int64(opts.maxUp-opts.minUp)+1))
		time.Sleep(up) // the random moment of the kill
		if k == opts.kills {
			return k, nil
		}
		if err := ld.srv.kill(); err != nil {
			return k, err
		}
		if err := ld.srv.start(); err != nil {
			return k + 1, err
		}
		if opts.progress != nil {
			fmt.Fprintf(opts.progress, "kill %d/%d: acked %d, confirmed %d\n", k+1, opts.kills, ld.acks.Load(), ld.confirms.Load())
		}
	}
	return opts.kills, nil
}

// awaitProgress waits until writers and readers have both done something
// on the server now running, so that each kill lands under load.
func awaitProgress(ld *load) error {
	acks, confirms := ld.acks.Load(), ld.confirms.Load()
	deadline := time.Now().Add(30 * time.Second)
	for ld.acks.Load() == acks || ld.confirms.Load() == confirms {
		if time.Now().After(deadline) {
			return fmt.Errorf("no progress within 30 s of start %d (log: %s)", ld.srv.gen.Load(), ld.srv.log.Name())
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

// finish restarts the server cleanly, so reads given back by clients that
// hung up are in the queue whatever their timing, then drains it.
func finish(ld *load) error {
	if err := ld.srv.stop(); err != nil {
		return fmt.Errorf("clean stop before the drain: %w", err)
	}
	if err := ld.srv.start(); err != nil {
		return err
	}
	if err := ld.drain(); err != nil {
		return err
	}
	return ld.srv.stop()
}
