package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

var putCommand = &command{
	usage:   "put <queue> [item ...]",
	summary: "add items to the queue",
	help: `
With no items given, each line of standard input is an item.
`,
	flags: func(fs *pflag.FlagSet) {
		fs.Duration("ttl", 0, "items vanish if nobody takes them within this (0: never)")
	},
	run: runPut,
}

func runPut(c *cli, fs *pflag.FlagSet) error {
	if len(c.args) == 0 {
		return errors.New("put: missing <queue> (see kestrel put --help)")
	}
	queue, items := c.args[0], c.args[1:]
	ttl, _ := fs.GetDuration("ttl")
	if len(items) > 0 {
		batch := make([][]byte, len(items))
		for i, it := range items {
			batch[i] = []byte(it)
		}
		return c.put(queue, ttl, batch)
	}
	return c.putLines(queue, ttl)
}

// putLines puts each line of standard input, a batch at a time, so that a
// long stream is not held in memory.
func (c *cli) putLines(queue string, ttl time.Duration) error {
	r := bufio.NewReader(c.stdin)
	var batch [][]byte
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			batch = append(batch, line)
		}
		if len(batch) == wire.MaxBatch || err != nil && len(batch) > 0 {
			if perr := c.put(queue, ttl, batch); perr != nil {
				return perr
			}
			batch = nil
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("put: reading standard input: %w", err)
		}
	}
}

func (c *cli) put(queue string, ttl time.Duration, items [][]byte) error {
	ctx, cancel := c.context(0)
	defer cancel()
	var n int
	var err error
	if ttl > 0 {
		n, err = c.client.PutTTL(ctx, queue, ttl, items...)
	} else {
		n, err = c.client.Put(ctx, queue, items...)
	}
	if err != nil {
		return err
	}
	if n < len(items) {
		return fmt.Errorf("put: queue %s is full: stored %d of %d items", queue, n, len(items))
	}
	return nil
}
