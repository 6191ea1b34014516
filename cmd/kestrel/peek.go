package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	rclient "github.com/kestrel-go/kestrel/protocol/remote/client"
)

var peekCommand = &command{
	usage:   "peek <queue>",
	summary: "describe the queue on each server, with its head item (not taken)",
	help:    "",
	run:     runPeek,
}

func runPeek(c *cli, _ *pflag.FlagSet) error {
	queue, err := c.queueArg()
	if err != nil {
		return err
	}
	ctx, cancel := c.context(0)
	defer cancel()
	infos, err := c.client.PeekAll(ctx, queue)
	for _, info := range infos {
		printInfo(c.stdout, info)
	}
	return err
}

func printInfo(w io.Writer, info rclient.QueueInfo) {
	fmt.Fprintf(w, "server %s\n", info.Server)
	fmt.Fprintf(w, "  items: %d\n  bytes: %d\n  journal_bytes: %d\n", info.Items, info.Bytes, info.JournalBytes)
	fmt.Fprintf(w, "  age: %s\n  waiters: %d\n  open_transactions: %d\n", info.Age, info.Waiters, info.OpenTransactions)
	if info.HeadItem != nil {
		fmt.Fprintf(w, "  head_item: %s\n", info.HeadItem)
	}
}
