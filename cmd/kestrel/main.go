// Command kestrel runs the Kestrel-Go queue server.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kestrel:", err)
		os.Exit(1)
	}
}

// run picks the subcommand; with none, it serves.
func run(args []string) error {
	return serve(args)
}
