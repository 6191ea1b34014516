package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	rclient "github.com/kestrel-go/kestrel/protocol/remote/client"
)

// command is a subcommand of kestrel.
type command struct {
	usage   string // the line after "kestrel "
	summary string // one line, for kestrel --help
	help    string // more, for kestrel <command> --help
	run     func(cli *cli, fs *pflag.FlagSet) error
	flags   func(fs *pflag.FlagSet) // its own flags, beside --servers
}

// commands are the client subcommands; serve is the default.
var commands = map[string]*command{
	"put":   putCommand,
	"get":   getCommand,
	"peek":  peekCommand,
	"stats": statsCommand,
}

// commandOrder is how usage lists the commands.
var commandOrder = []string{"put", "get", "peek", "stats"}

// defaultServers is where a client looks for servers: remote_port's
// default.
const defaultServers = "127.0.0.1:2229"

// cli is what a client subcommand works with.
type cli struct {
	name    string
	client  *rclient.Client
	stdin   io.Reader
	stdout  io.Writer
	args    []string // positional arguments
	timeout time.Duration
}

// clientFlags are the flags every client command takes.
type clientFlags struct {
	servers        *string
	timeout        *time.Duration
	user, password *string
}

// newFlagSet is the flag set of a client command: the common flags and
// its own.
func newFlagSet(name string, cmd *command) (*pflag.FlagSet, clientFlags) {
	fs := pflag.NewFlagSet("kestrel "+name, pflag.ContinueOnError)
	f := clientFlags{
		servers:  fs.String("servers", defaultServers, "comma-separated `host:port` list of servers' remote_port"),
		timeout:  fs.Duration("request-timeout", 30*time.Second, "give up on a server that does not answer within this"),
		user:     fs.String("user", "", "log in as this user, on servers with auth_users"),
		password: fs.String("password", "", "the user's password"),
	}
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	return fs, f
}

// runCommand parses a subcommand's flags (before or after its arguments)
// and runs it against the servers.
func runCommand(name string, cmd *command, args []string) error {
	fs, f := newFlagSet(name, cmd)
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "Usage: kestrel %s\n\n%s\n%s\nFlags:\n%s", cmd.usage, cmd.summary, cmd.help, fs.FlagUsages())
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	c, err := rclient.New(splitServers(*f.servers),
		rclient.WithRequestTimeout(*f.timeout), rclient.WithCredentials(*f.user, *f.password))
	if err != nil {
		return err
	}
	defer c.Close()
	return cmd.run(&cli{name: name, client: c, stdin: os.Stdin, stdout: os.Stdout, args: fs.Args(), timeout: *f.timeout}, fs)
}

// commandAfterFlags finds a client command whose flags come before it
// (kestrel --servers h:2229 get q), and returns its arguments.
func commandAfterFlags(args []string) (string, []string, bool) {
	if len(args) == 0 || !strings.HasPrefix(args[0], "-") {
		return "", nil, false
	}
	for i, a := range args {
		if commands[a] == nil {
			continue
		}
		fs, _ := newFlagSet(a, commands[a])
		fs.SetOutput(io.Discard)
		if fs.Parse(args[:i]) == nil && fs.NArg() == 0 {
			return a, append(args[:i:i], args[i+1:]...), true
		}
	}
	return "", nil, false
}

func splitServers(list string) []string {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// queueArg is the one <queue> argument of a command.
func (c *cli) queueArg() (string, error) {
	if len(c.args) != 1 {
		return "", fmt.Errorf("%s: want one <queue> argument, got %d (see kestrel %s --help)", c.name, len(c.args), c.name)
	}
	return c.args[0], nil
}

// context bounds a command that waits up to wait on the server.
func (c *cli) context(wait time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.timeout+wait)
}

// usage is kestrel --help.
func usage(w io.Writer) {
	fmt.Fprintf(w, "Usage:\n  kestrel [serve] [flags]\n        run the server (the default; kestrel serve --help lists its flags)\n")
	for _, name := range commandOrder {
		fmt.Fprintf(w, "  kestrel %s\n        %s\n", commands[name].usage, commands[name].summary)
	}
	fmt.Fprintf(w, "  kestrel qdump <journal file> ...\n        list a journal's operations with their offsets, and what they add up to\n")
	fmt.Fprintf(w, "  kestrel qpack <queue path> <queue>\n        pack a stopped queue's journal files into one holding only its state\n")
	fmt.Fprintf(w, "\nThe client commands take --servers host:port,... (default %s), the\n"+
		"remote_port of each server. Flags may come before or after arguments.\n"+
		"Run kestrel <command> --help for a command's flags.\n", defaultServers)
}

// isHelp says whether args ask for kestrel's own help.
func isHelp(args []string) bool {
	return len(args) == 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help")
}
