package memcache

import (
	"strings"

	"github.com/kestrel-go/kestrel/actors"
)

// The operator's commands: stats, dump_stats, dump_config, status.

func (c *conn) stats() {
	report := c.srv.Queues.Report()
	for _, s := range report.Global {
		c.out = AppendStat(c.out, s.Name, s.Value)
	}
	for _, q := range report.Queues {
		for _, s := range q.Stats {
			c.out = AppendStat(c.out, "queue_"+q.Name+"_"+s.Name, s.Value)
		}
	}
	c.out = AppendEnd(c.out)
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
	c.out = AppendEnd(c.out)
}

func (c *conn) dumpConfig() {
	dump := c.srv.Queues.Config().Dump(c.srv.Queues.QueueNames())
	for _, l := range strings.Split(strings.TrimRight(dump, "\n"), "\n") {
		c.line(l)
	}
	c.out = AppendEnd(c.out)
}

// status reports the server status, or changes it.
func (c *conn) status(args []string) {
	if len(args) == 0 {
		c.line(c.srv.Queues.Status().String())
		return
	}
	next, err := actors.ParseStatus(args[0])
	if err != nil {
		c.out = AppendClientError(c.out, err.Error())
		c.quit = true
		return
	}
	if err := c.srv.Queues.SetStatus(next); err != nil {
		c.out = AppendServerError(c.out, err.Error())
		return
	}
	c.out = AppendEnd(c.out)
}
