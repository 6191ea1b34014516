package config

import (
	"strings"
	"testing"
)

func TestDumpShowsResolvedQueuesSorted(t *testing.T) {
	c := mustLoad(t, `
default:
  max_items: 7
queues:
  zeta:
    max_memory_size: 1MB
    expire_to_queue: alpha
  alpha+f:
    sync_journal: never
aliases:
  all:
    dest_queues: [zeta, alpha]
`, nil)
	got := c.Dump([]string{"live", "zeta", "default"})
	blocks := strings.SplitAfter(got, "}\n")
	var titles []string
	for _, b := range blocks[:len(blocks)-1] {
		titles = append(titles, strings.SplitN(b, "\n", 2)[0])
	}
	want := []string{`queue "default" {`, `queue "alpha+f" {`, `queue "live" {`, `queue "zeta" {`, `alias "all" {`}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Fatalf("blocks %q, want %q", titles, want)
	}
	if blocks[len(blocks)-1] != "" {
		t.Errorf("trailing text %q", blocks[len(blocks)-1])
	}
	wantDefault := `queue "default" {
  max_items=7
  max_size=0
  max_item_size=0
  max_age=0s
  default_journal_size=16MB
  max_memory_size=128MB
  max_journal_size=1GB
  min_journal_compact_delay=1m0s
  discard_old_when_full=false
  keep_journal=true
  sync_journal=100ms
  expire_to_queue=""
  max_expire_sweep=0
  fanout_only=false
  max_queue_age=0s
  open_transaction_timeout=0s
  max_deliveries=0
  dead_letter_queue=""
}
`
	if blocks[0] != wantDefault {
		t.Errorf("default block:\n%s\nwant:\n%s", blocks[0], wantDefault)
	}
	for _, line := range []string{"  max_memory_size=1MB\n", "  expire_to_queue=\"alpha\"\n", "  max_items=7\n"} {
		if !strings.Contains(blocks[3], line) {
			t.Errorf("zeta block lacks %q:\n%s", line, blocks[3])
		}
	}
	if !strings.Contains(blocks[1], "  sync_journal=never\n") {
		t.Errorf("alpha+f block:\n%s", blocks[1])
	}
	if !strings.Contains(blocks[4], "  dest_queues=[zeta, alpha]\n") {
		t.Errorf("alias block:\n%s", blocks[4])
	}
}
