package config

import (
	"testing"
	"time"
)

// TestKestrel234Inheritance is the table of "Configuration Changes
// Starting in Kestrel 2.3.4" in Kestrel's guide, column ">= 2.3.4".
func TestKestrel234Inheritance(t *testing.T) {
	c := mustLoad(t, `
default:
  max_memory_size: 8MB
queues:
  q:
    max_items: 500
  q+fanout:
    max_age: 1m
  x:
    max_memory_size: 16MB
`, nil)
	for _, row := range []struct {
		queue, setting string
		got, want      any
	}{
		{"q", "max_memory_size", c.QueueConfig("q").MaxMemorySize, 8 * MB},
		{"q+fanout", "max_memory_size", c.QueueConfig("q+fanout").MaxMemorySize, 8 * MB},
		{"x", "max_memory_size", c.QueueConfig("x").MaxMemorySize, 16 * MB},
		{"q", "max_items", c.QueueConfig("q").MaxItems, int64(500)},
		{"q+fanout", "max_items", c.QueueConfig("q+fanout").MaxItems, int64(500)},
		{"q+fanout", "max_age", c.QueueConfig("q+fanout").MaxAge, time.Minute},
		{"q", "max_age", c.QueueConfig("q").MaxAge, time.Duration(0)},
	} {
		if row.got != row.want {
			t.Errorf("%s %s = %v, want %v", row.queue, row.setting, row.got, row.want)
		}
	}
}

func TestQueueBlockOverridesOnlyTheKeysItNames(t *testing.T) {
	c := mustLoad(t, "default:\n  max_age: 1h\nqueues:\n  q:\n    max_items: 5\n", nil)
	want := c.Default
	want.MaxItems = 5
	if got := c.Queues["q"]; got != want {
		t.Errorf("q = %+v\nwant %+v", got, want)
	}
	if got := c.QueueConfig("q"); got != want {
		t.Errorf("QueueConfig(q) = %+v", got)
	}
	if d := defaultQueue(); c.Queues["q"].MaxMemorySize != d.MaxMemorySize || c.Queues["q"].MaxAge != time.Hour {
		t.Errorf("q did not inherit from default: %+v", c.Queues["q"])
	}
}

func TestQueueBlockMayResetAnInheritedValue(t *testing.T) {
	c := mustLoad(t, "default:\n  max_items: 100\n  keep_journal: false\nqueues:\n  q:\n    max_items: 0\n    keep_journal: true\n", nil)
	if q := c.Queues["q"]; q.MaxItems != 0 || !q.KeepJournal {
		t.Errorf("q = %+v, want its explicit zero and true to win", q)
	}
}

func TestFanoutChildOfUnconfiguredMaster(t *testing.T) {
	c := mustLoad(t, "default:\n  max_items: 9\nqueues:\n  a+b:\n    fanout_only: true\n", nil)
	if q := c.QueueConfig("a+b"); q.MaxItems != 9 || !q.FanoutOnly {
		t.Errorf("a+b = %+v", q)
	}
	if q := c.QueueConfig("a"); q.FanoutOnly {
		t.Errorf("a took its child's setting: %+v", q)
	}
}

func TestQueueConfigOfUnnamedQueues(t *testing.T) {
	c := mustLoad(t, "default:\n  max_items: 3\nqueues:\n  m:\n    max_items: 4\n    max_age: 1s\n", nil)
	if q := c.QueueConfig("other"); q != c.Default {
		t.Errorf("other = %+v, want the default", q)
	}
	if q := c.QueueConfig("m+live"); q != c.Queues["m"] {
		t.Errorf("m+live = %+v, want m's config", q)
	}
	if q := Defaults().QueueConfig("any"); q != defaultQueue() {
		t.Errorf("Defaults().QueueConfig = %+v", q)
	}
}

func TestQueueNamedByDefaultExpireToQueueDropsExpiredItems(t *testing.T) {
	c := mustLoad(t, "default:\n  expire_to_queue: dead\n", nil)
	if got := c.QueueConfig("work").ExpireToQueue; got != "dead" {
		t.Errorf("work expires to %q", got)
	}
	if got := c.QueueConfig("dead").ExpireToQueue; got != "" {
		t.Errorf("dead expires to %q, want nowhere", got)
	}
}

func TestEnvironmentChangesTheDefaultThatQueuesInherit(t *testing.T) {
	c := mustLoad(t, "queues:\n  q:\n    max_items: 5\n", []string{"KESTREL_DEFAULT__MAX_MEMORY_SIZE=1MB"})
	if q := c.Queues["q"]; q.MaxMemorySize != MB || q.MaxItems != 5 {
		t.Errorf("q = %+v", q)
	}
}
