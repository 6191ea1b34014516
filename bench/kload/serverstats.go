package kload

import (
	"bytes"
	"fmt"
	"strconv"
)

// Stats sends memcache's "stats" and returns every "STAT <name> <value>"
// line of the reply, up to END. Kestrel reports each queue's figures as
// queue_<name>_<figure>.
func (c *Conn) Stats() (map[string]string, error) {
	c.arm(0)
	c.w.WriteString("stats\r\n")
	if err := c.Flush(); err != nil {
		return nil, fmt.Errorf("stats: %w", err)
	}
	stats := map[string]string{}
	for {
		line, err := c.readLine()
		if err != nil {
			return nil, requestErr("stats", "reply", err)
		}
		if string(line) == "END" {
			return stats, nil
		}
		rest, found := bytes.CutPrefix(line, []byte("STAT "))
		name, value, spaced := bytes.Cut(rest, []byte{' '})
		if !found || !spaced || len(name) == 0 {
			return nil, &ProtocolError{Request: "stats", Want: "STAT <name> <value> or END", Got: string(line)}
		}
		stats[string(name)] = string(value)
	}
}

// journalFigures are what a queue's stats say about its journal, the
// figures that show whether a queue that stays behind is being packed.
type journalFigures struct {
	Logsize   int64 // bytes of all the queue's journal files
	MemBytes  int64 // bytes of items held in memory (at most max_memory_size)
	Rotations int64 // journal files started while reading behind
	Rewrites  int64 // packs and rewrites of the journal
}

// queueJournalFigures picks queue's journal figures out of a stats reply. A
// missing figure is an error rather than a zero, so a report never shows a
// journal as empty when the server simply didn't say.
func queueJournalFigures(stats map[string]string, queue string) (journalFigures, error) {
	var f journalFigures
	for _, fig := range []struct {
		name string
		dst  *int64
	}{
		{"logsize", &f.Logsize},
		{"mem_bytes", &f.MemBytes},
		{"journal_rotations", &f.Rotations},
		{"journal_rewrites", &f.Rewrites},
	} {
		key := "queue_" + queue + "_" + fig.name
		v, ok := stats[key]
		if !ok {
			return f, fmt.Errorf("stats: the reply has no %s", key)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, fmt.Errorf("stats: %s is %q, not an integer", key, v)
		}
		*fig.dst = n
	}
	return f, nil
}
