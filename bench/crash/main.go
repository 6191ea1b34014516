// Command crash kills a kestrel server with SIGKILL at random moments
// under load, restarting it each time, and checks what was acknowledged
// against what was delivered:
//
//	go run ./bench/crash --kills 50
//	go run ./bench/crash --kills 50 --env KESTREL_DEFAULT__MAX_MEMORY_SIZE=4KB
//	go run ./bench/crash --kills 50 --env KESTREL_DEFAULT__SYNC_JOURNAL=0s
//
// Writers set items with unique ids into one queue; readers take them with
// get/open and confirm with get/close, and now and then hang up holding a
// read. At the end the server is restarted cleanly and the queue drained.
// Every acknowledged id must then have been delivered (confirmed or
// drained) exactly once, and nothing else may appear. A read open when a
// kill struck may come back (at-least-once): counted as dup, allowed.
// It prints one line
//
//	RESULT <label> kills=.. acked=.. lost=.. dup=.. dup_unexpected=.. phantom=.. ... pass=true
//
// and exits 1 when lost, dup_unexpected or phantom is not 0, or anything
// else went wrong (a wrong reply, a failure with no kill to explain it).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

func main() { os.Exit(cli(os.Args[1:])) }

type envFlags []string

func (e *envFlags) String() string     { return strings.Join(*e, " ") }
func (e *envFlags) Set(v string) error { *e = append(*e, v); return nil }

func cli(args []string) int {
	fs := flag.NewFlagSet("crash", flag.ContinueOnError)
	var env envFlags
	opts := options{progress: os.Stderr}
	fs.IntVar(&opts.kills, "kills", 50, "SIGKILLs in a row")
	fs.IntVar(&opts.writers, "writers", 2, "writer connections")
	fs.IntVar(&opts.readers, "readers", 4, "reader connections")
	fs.DurationVar(&opts.minUp, "min-up", 50*time.Millisecond, "least time the load runs before a kill")
	fs.DurationVar(&opts.maxUp, "max-up", 800*time.Millisecond, "most time the load runs before a kill")
	fs.Float64Var(&opts.abandon, "abandon", 0.02, "chance that a reader hangs up holding a read")
	fs.IntVar(&opts.maxItem, "max-item", 2000, "largest payload filler, in bytes")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "random seed")
	fs.Var(&env, "env", "VAR=value for the server (repeatable), e.g. KESTREL_DEFAULT__SYNC_JOURNAL=0s")
	fs.StringVar(&opts.binary, "binary", "", "kestrel binary (default: build ./cmd/kestrel)")
	race := fs.Bool("race", false, "build the server with the race detector")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if opts.minUp > opts.maxUp || opts.kills < 0 || opts.writers < 1 || opts.readers < 1 || opts.maxItem < 1 {
		fmt.Fprintln(os.Stderr, "crash: need min-up <= max-up, kills >= 0, writers, readers and max-item >= 1")
		return 2
	}
	opts.seed, opts.env = *seed, env
	dir, err := os.MkdirTemp("", "kestrel-crash")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash:", err)
		return 1
	}
	opts.dir = dir
	if opts.binary == "" {
		if opts.binary, err = buildServer(dir, *race); err != nil {
			fmt.Fprintln(os.Stderr, "crash:", err)
			return 1
		}
	}
	t, err := run(opts)
	t.write(os.Stdout, label(opts))
	if err != nil {
		fmt.Fprintf(os.Stderr, "crash: %v\n(journals and log kept in %s)\n", err, dir)
		return 1
	}
	if !t.Pass() {
		fmt.Fprintf(os.Stderr, "crash: failed (journals and log kept in %s)\n", dir)
		return 1
	}
	os.RemoveAll(dir)
	return 0
}

// label names the run on its RESULT line.
func label(opts options) string {
	s := fmt.Sprintf("seed=%d", opts.seed)
	for _, e := range opts.env {
		s += " " + strings.TrimPrefix(e, "KESTREL_")
	}
	if len(opts.env) == 0 {
		s += " defaults"
	}
	return s
}
