package kload

import (
	"strings"
	"testing"
)

func TestStats(t *testing.T) {
	c, s := newScripted("STAT uptime 12\r\nSTAT version 0.1.0 (go)\r\nSTAT queue_spam_logsize 4096\r\nEND\r\n")
	stats, err := c.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.sent.String() != "stats\r\n" {
		t.Errorf("sent %q", s.sent.String())
	}
	if len(stats) != 3 || stats["version"] != "0.1.0 (go)" || stats["queue_spam_logsize"] != "4096" {
		t.Errorf("stats = %v", stats)
	}
}

func TestStatsRejects(t *testing.T) {
	for reply, want := range map[string]string{
		"ERROR\r\n":              `stats: expected STAT <name> <value> or END, got "ERROR"`,
		"STAT uptime\r\nEND\r\n": `got "STAT uptime"`,
		"STAT uptime 1\r\n":      "stats reply: connection closed by server",
	} {
		c, _ := newScripted(reply)
		_, err := c.Stats()
		checkErr(t, reply, err, want)
	}
}

func TestQueueJournalFigures(t *testing.T) {
	stats := map[string]string{
		"queue_spam_logsize": "70000000", "queue_spam_mem_bytes": "16777216",
		"queue_spam_journal_rotations": "4", "queue_spam_journal_rewrites": "3",
		"queue_eggs_logsize": "x",
	}
	f, err := queueJournalFigures(stats, "spam")
	if err != nil || f != (journalFigures{Logsize: 70000000, MemBytes: 16777216, Rotations: 4, Rewrites: 3}) {
		t.Errorf("figures %+v, %v", f, err)
	}
	if _, err := queueJournalFigures(stats, "eggs"); err == nil || !strings.Contains(err.Error(), `queue_eggs_logsize is "x", not an integer`) {
		t.Errorf("eggs: %v", err)
	}
	if _, err := queueJournalFigures(stats, "ham"); err == nil || err.Error() != "stats: the reply has no queue_ham_logsize" {
		t.Errorf("ham: %v", err)
	}
}
