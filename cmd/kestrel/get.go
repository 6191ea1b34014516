package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	rclient "github.com/kestrel-go/kestrel/protocol/remote/client"
	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

var getCommand = &command{
	usage:   "get <queue> [-n N] [--timeout D] [--open]",
	summary: "take items from the queue and print them, one per line",
	help: `
With --open, each line is <id><TAB><item>, and the items stay open reads
until standard input closes; then they are confirmed. If kestrel is
interrupted or killed first, or --auto-abort passes, they go back to the
queue for another reader.
`,
	flags: func(fs *pflag.FlagSet) {
		fs.IntP("count", "n", 1, "take up to `N` items")
		fs.Duration("timeout", 0, "wait up to this long for the items (0: take only what is there)")
		fs.Bool("open", false, "hold the items as open reads (reliable read)")
		fs.Duration("auto-abort", 5*time.Minute, "with --open, the server takes the items back after this")
	},
	run: runGet,
}

func runGet(c *cli, fs *pflag.FlagSet) error {
	queue, err := c.queueArg()
	if err != nil {
		return err
	}
	n, _ := fs.GetInt("count")
	timeout, _ := fs.GetDuration("timeout")
	open, _ := fs.GetBool("open")
	how := rclient.GetOptions{Timeout: timeout}
	if open {
		how.AutoAbort, _ = fs.GetDuration("auto-abort")
	}
	if n < 1 {
		return fmt.Errorf("get: -n %d: want at least 1", n)
	}
	items, err := c.take(queue, n, how)
	if err != nil || !open || len(items) == 0 {
		return err
	}
	return c.hold(items)
}

// take gets up to n items, printing each as it comes, until it has n, the
// queue is empty or the timeout is up.
func (c *cli) take(queue string, n int, how rclient.GetOptions) ([]rclient.Item, error) {
	out := bufio.NewWriter(c.stdout)
	deadline := time.Now().Add(how.Timeout)
	var taken []rclient.Item
	for len(taken) < n {
		how.Max = min(n-len(taken), wire.MaxBatch)
		if how.Timeout > 0 {
			if how.Timeout = time.Until(deadline); how.Timeout <= 0 {
				break
			}
		}
		ctx, cancel := c.context(how.Timeout)
		items, err := c.client.Get(ctx, queue, how)
		cancel()
		for _, it := range items {
			if how.AutoAbort > 0 {
				fmt.Fprintf(out, "%d\t", it.ID)
			}
			out.Write(it.Data)
			out.WriteByte('\n')
		}
		taken = append(taken, items...)
		if ferr := out.Flush(); err == nil {
			err = ferr
		}
		if err != nil || len(items) == 0 {
			return taken, err
		}
	}
	return taken, nil
}

// hold keeps open reads until standard input closes, then confirms them.
// On SIGINT or SIGTERM it aborts them; if kestrel dies, the server notices
// and takes them back.
func (c *cli) hold(items []rclient.Item) error {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(signals)
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, c.stdin)
		close(closed)
	}()
	ctx, cancel := c.context(0)
	defer cancel()
	select {
	case sig := <-signals:
		_, err := c.client.Abort(ctx, items...)
		if err != nil {
			return err
		}
		return fmt.Errorf("get: %s: the %d items went back to the queue", sig, len(items))
	case <-closed:
	}
	n, err := c.client.Confirm(ctx, items...)
	if err != nil {
		return err
	}
	if n < len(items) {
		return fmt.Errorf("get: %d of %d items had gone back to the queue (--auto-abort) before they were confirmed", len(items)-n, len(items))
	}
	return nil
}
