package memcache

import (
	"strings"

	"github.com/kestrel-go/kestrel/actors"
)

// The operator's commands: stats, dump_stats, dump_config, status.

func (c *conn) stats() {
	report := c.srv.Queues.Report()
	for _, s := range report.Global {
		c.Out = AppendStat(c.Out, s.Name, s.Value)
	}
	for _, q := range report.Queues {
		for _, s := range q.Stats {
			c.Out = AppendStat(c.Out, "queue_"+q.Name+"_"+s.Name, s.Value)
		}
	}
	c.Out = AppendEnd(c.Out)
}

// dumpStats prints per-queue figures grouped by queue, as Kestrel does,
// for the named queues or all of them.
func (c *conn) dumpStats(only []string) {
	want := make(map[string]bool, len(only))
	for _, name := range only {
		want[name] = true
	}
	for _, q := range c.srv.Queues.Report().Queues {
		if len(want) > 0 && !want[q.Name] {
			continue
		}
		c.line("queue '" + q.Name + "' {")
		for _, s := range q.Stats {
			c.line("  " + s.Name + "=" + s.Value)
		}
		c.line("}")
	}
	c.Out = AppendEnd(c.Out)
}

func (c *conn) dumpConfig() {
	dump := c.srv.Queues.Config().Dump(c.srv.Queues.QueueNames())
	for _, l := range strings.Split(strings.TrimRight(dump, "\n"), "\n") {
		c.line(l)
	}
	c.Out = AppendEnd(c.Out)
}

// status reports the server status, or changes it.
func (c *conn) status(args []string) {
	if len(args) == 0 {
		c.line(c.srv.Queues.Status().String())
		return
	}
	next, err := actors.ParseStatus(args[0])
	if err != nil {
		c.Out = AppendClientError(c.Out, err.Error())
		c.Quit = true
		return
	}
	if err := c.srv.Queues.SetStatus(next); err != nil {
		c.Out = AppendServerError(c.Out, err.Error())
		return
	}
	c.Out = AppendEnd(c.Out)
}
