package actors

import (
	"strconv"
	"sync/atomic"
	"time"
)

// Version is the server version reported by `version` and `stats`.
const Version = "0.1.0"

// queueStats is written only by its queue actor and read by anyone: the
// figures are published through atomics so that stats never wait on a busy
// queue.
type queueStats struct {
	items            atomic.Int64
	bytes            atomic.Int64
	memItems         atomic.Int64
	memBytes         atomic.Int64
	totalItems       atomic.Int64
	logsize          atomic.Int64
	expiredItems     atomic.Int64
	discarded        atomic.Int64
	ageMs            atomic.Int64
	waiters          atomic.Int64
	openTransactions atomic.Int64
	transactions     atomic.Int64
	canceledTxns     atomic.Int64
	totalFlushes     atomic.Int64
	journalRewrites  atomic.Int64
	journalRotations atomic.Int64
	corruptJournals  atomic.Int64
	deadLettered     atomic.Int64
	createTimeMs     atomic.Int64
	headAddTimeMs    atomic.Int64 // 0 when the queue is empty
	journalErrors    atomic.Int64 // batches that failed to reach the file or the disk

	// Counted by the sessions reading this queue (see countQueueRead), as
	// the server-wide cmd_get, cmd_peek, get_hits and get_misses are.
	cmdGet    atomic.Int64
	cmdPeek   atomic.Int64
	getHits   atomic.Int64
	getMisses atomic.Int64
}

// Stat is one named figure, in the order Kestrel reports them.
type Stat struct {
	Name  string
	Value string
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (s *queueStats) list() []Stat {
	return []Stat{
		{"items", itoa(s.items.Load())},
		{"bytes", itoa(s.bytes.Load())},
		{"total_items", itoa(s.totalItems.Load())},
		{"logsize", itoa(s.logsize.Load())},
		{"expired_items", itoa(s.expiredItems.Load())},
		{"mem_items", itoa(s.memItems.Load())},
		{"mem_bytes", itoa(s.memBytes.Load())},
		{"age", itoa(s.ageMs.Load())},
		{"discarded", itoa(s.discarded.Load())},
		{"waiters", itoa(s.waiters.Load())},
		{"open_transactions", itoa(s.openTransactions.Load())},
		{"transactions", itoa(s.transactions.Load())},
		{"canceled_transactions", itoa(s.canceledTxns.Load())},
		{"total_flushes", itoa(s.totalFlushes.Load())},
		{"journal_rewrites", itoa(s.journalRewrites.Load())},
		{"journal_rotations", itoa(s.journalRotations.Load())},
		{"corrupt_journals", itoa(s.corruptJournals.Load())},
		{"dead_lettered", itoa(s.deadLettered.Load())},
		{"age_msec", itoa(s.ageMs.Load())},
		{"create_time", itoa(s.createTimeMs.Load())},
		// Not in Kestrel: the server-wide read counters, per queue, how
		// long the item at the head has been waiting, and failed journal
		// writes.
		{"cmd_get", itoa(s.cmdGet.Load())},
		{"cmd_peek", itoa(s.cmdPeek.Load())},
		{"get_hits", itoa(s.getHits.Load())},
		{"get_misses", itoa(s.getMisses.Load())},
		{"head_age_msec", itoa(s.headAgeMs(time.Now()))},
		{"journal_write_errors", itoa(s.journalErrors.Load())},
	}
}

// setHead publishes when the head item was added; the queue actor calls it
// after every message, with nil for an empty queue.
func (s *queueStats) setHead(head *item) {
	var added int64
	if head != nil {
		added = max(head.addTime, 1)
	}
	s.headAddTimeMs.Store(added)
}

func (s *queueStats) headAgeMs(now time.Time) int64 {
	added := s.headAddTimeMs.Load()
	if added == 0 {
		return 0
	}
	return max(0, now.UnixMilli()-added)
}

// ServerStats are the server-wide counters of guide.md ("Server stats").
type ServerStats struct {
	started          time.Time
	TotalItems       atomic.Int64
	CurrConnections  atomic.Int64
	TotalConnections atomic.Int64
	CmdGet           atomic.Int64
	CmdSet           atomic.Int64
	CmdPeek          atomic.Int64
	GetHits          atomic.Int64
	GetMisses        atomic.Int64
	BytesRead        atomic.Int64
	BytesWritten     atomic.Int64
	QueueCreates     atomic.Int64
	QueueDeletes     atomic.Int64
	QueueExpires     atomic.Int64
}

// QueueReport is one queue's figures.
type QueueReport struct {
	Name  string
	Stats []Stat
}

// Report is a snapshot of every figure, for `stats` and `dump_stats`.
type Report struct {
	Global []Stat
	Queues []QueueReport
}

func (s *ServerStats) list(now time.Time, queues []QueueReport) []Stat {
	var items, bytes int64
	for _, q := range queues {
		items += statValue(q.Stats, "items")
		bytes += statValue(q.Stats, "bytes")
	}
	return []Stat{
		{"uptime", itoa(int64(now.Sub(s.started).Seconds()))},
		{"time", itoa(now.Unix())},
		{"version", Version},
		{"curr_items", itoa(items)},
		{"total_items", itoa(s.TotalItems.Load())},
		{"bytes", itoa(bytes)},
		{"curr_connections", itoa(s.CurrConnections.Load())},
		{"total_connections", itoa(s.TotalConnections.Load())},
		{"cmd_get", itoa(s.CmdGet.Load())},
		{"cmd_set", itoa(s.CmdSet.Load())},
		{"cmd_peek", itoa(s.CmdPeek.Load())},
		{"get_hits", itoa(s.GetHits.Load())},
		{"get_misses", itoa(s.GetMisses.Load())},
		{"bytes_read", itoa(s.BytesRead.Load())},
		{"bytes_written", itoa(s.BytesWritten.Load())},
		{"queue_creates", itoa(s.QueueCreates.Load())},
		{"queue_deletes", itoa(s.QueueDeletes.Load())},
		{"queue_expires", itoa(s.QueueExpires.Load())},
	}
}

func statValue(stats []Stat, name string) int64 {
	for _, s := range stats {
		if s.Name == name {
			n, _ := strconv.ParseInt(s.Value, 10, 64)
			return n
		}
	}
	return 0
}
