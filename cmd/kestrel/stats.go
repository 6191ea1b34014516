package main

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"
)

var statsCommand = &command{
	usage:   "stats",
	summary: "print the figures of each server and of its queues",
	help:    "\nThe names are those of the memcache stats command.\n",
	run:     runStats,
}

func runStats(c *cli, _ *pflag.FlagSet) error {
	if len(c.args) != 0 {
		return fmt.Errorf("stats: takes no arguments, got %q", c.args)
	}
	ctx, cancel := c.context(0)
	defer cancel()
	var errs []error
	for _, server := range c.client.Servers() {
		stats, err := c.client.Stats(ctx, server)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(c.stdout, "server %s\n", server)
		for _, st := range stats.Global {
			fmt.Fprintf(c.stdout, "  %s: %s\n", st.Name, st.Value)
		}
		for _, q := range stats.Queues {
			for _, st := range q.Stats {
				fmt.Fprintf(c.stdout, "  queue_%s_%s: %s\n", q.Name, st.Name, st.Value)
			}
		}
	}
	return errors.Join(errs...)
}
