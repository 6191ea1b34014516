// Command kload runs Kestrel's load tests against a server speaking Kestrel's
// memcache protocol:
//
//	kload <test> [flags]
//	kload -h            lists the tests
//	kload <test> -h     lists a test's flags
//
// It prints the report lines of Kestrel's original test, then one line
//
//	RESULT test=<name> ops=<n> secs=<s> ops_per_sec=<x> p50_us=.. p90_us=.. p99_us=.. p999_us=.. errors=<n>
//
// and exits 1 if anything went wrong (an unexpected reply, a lost or
// duplicated item), after saying what on stderr; 2 for a usage error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/kestrel-go/kestrel/bench/kload"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	}
	entry, ok := kload.Lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "kload: unknown test %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	test, common, err := parse(entry, args[1:], stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2 // the flag package has already said why
	}
	res, err := test.Run(common, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "kload: %v\n", err)
		return 2
	}
	res.WriteSummary(stdout)
	if res.Errors.Count() > 0 {
		res.Errors.Print(stderr)
		return 1
	}
	return 0
}

// parse reads the shared flags and the test's own from args.
func parse(entry kload.Entry, args []string, stderr io.Writer) (kload.Test, kload.Common, error) {
	test, common := entry.New(), kload.DefaultCommon()
	fs := flag.NewFlagSet(entry.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: kload %s [flags]\n    %s\n\nflags:\n", entry.Name, entry.Summary)
		fs.PrintDefaults()
	}
	common.Flags(fs)
	test.Flags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, common, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected argument %q", fs.Arg(0))
		fmt.Fprintf(stderr, "kload %s: %v\n", entry.Name, err)
		fs.Usage()
		return nil, common, err
	}
	return test, common, nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: kload <test> [flags]")
	fmt.Fprintln(w, "       kload <test> -h    show the test's flags")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "tests:")
	for _, e := range kload.Tests() {
		fmt.Fprintf(w, "  %-10s %s\n", e.Name, e.Summary)
	}
}
