// Command kestrel runs the Kestrel-Go queue server, and is a command-line
// client of it (kestrel --help lists the commands).
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

func main() {
	if err := run(os.Args[1:]); err != nil && !errors.Is(err, pflag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "kestrel:", err)
		os.Exit(1)
	}
}

// run picks the subcommand; with none, it serves.
func run(args []string) error {
	if name, rest, ok := commandAfterFlags(args); ok {
		return runCommand(name, commands[name], rest)
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && !isHelp(args) {
		return serve(args)
	}
	switch name := args[0]; {
	case isHelp(args):
		usage(os.Stdout)
		return nil
	case name == "serve":
		return serve(args[1:])
	case name == "qdump":
		return qdump(args[1:], os.Stdout)
	case name == "qpack":
		return qpack(args[1:], os.Stdout)
	case commands[name] != nil:
		return runCommand(name, commands[name], args[1:])
	default:
		return fmt.Errorf("unknown command %q (see kestrel --help)", name)
	}
}
