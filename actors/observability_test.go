package actors

import (
	"errors"
	"sync"
	"testing"
	"time"
)

func queueStat(t *testing.T, sys *System, queue, name string) string {
	t.Helper()
	for _, q := range sys.Report().Queues {
		if q.Name == queue {
			for _, s := range q.Stats {
				if s.Name == name {
					return s.Value
				}
			}
		}
	}
	t.Fatalf("no stat %s for queue %s", name, queue)
	return ""
}

func TestReadsAreCountedPerQueue(t *testing.T) {
	sys := startSystem(t, t.TempDir())
	s := sys.NewSession()
	defer s.Close()
	mustPut(t, s, "a", "1")
	mustGet(t, s, "a", Read{Peek: true}, "1")
	mustGet(t, s, "a", Read{}, "1")
	if _, found, err := s.Get("a", Read{}, nil); found || err != nil {
		t.Fatalf("get of an empty queue: %v %v", found, err)
	}
	for name, want := range map[string]string{"cmd_get": "2", "cmd_peek": "1", "get_hits": "2", "get_misses": "1"} {
		if got := queueStat(t, sys, "a", name); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
}

func TestHeadAgeIsZeroWhenEmpty(t *testing.T) {
	sys := startSystem(t, t.TempDir())
	s := sys.NewSession()
	defer s.Close()
	mustPut(t, s, "a", "1")
	start := time.Now()
	deadline := start.Add(10 * time.Second)
	for queueStat(t, sys, "a", "head_age_msec") == "0" {
		if time.Now().After(deadline) {
			t.Fatal("head_age_msec stayed 0 with an item queued")
		}
		time.Sleep(time.Millisecond)
	}
	mustGet(t, s, "a", Read{}, "1")
	if got := queueStat(t, sys, "a", "head_age_msec"); got != "0" {
		t.Fatalf("head_age_msec = %s for an empty queue", got)
	}
}

// journalCalls records a JournalObserver's calls.
type journalCalls struct {
	mu    sync.Mutex
	calls []string
}

func (j *journalCalls) add(s string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.calls = append(j.calls, s)
}

func (j *journalCalls) JournalSynced(q string, _ time.Time, _ time.Duration, _ error) {
	j.add("synced " + q)
}
func (j *journalCalls) JournalPacked(q string, _ time.Time, _ time.Duration, _ error) {
	j.add("packed " + q)
}
func (j *journalCalls) JournalWriteFailed(q string, _ error) { j.add("failed " + q) }

func TestJournalObserversHearEveryQueueAndWriteErrorsAreCounted(t *testing.T) {
	sys := startSystem(t, t.TempDir())
	s := sys.NewSession()
	defer s.Close()
	mustPut(t, s, "a", "1") // the journal opens before the observer comes
	calls := &journalCalls{}
	sys.AddJournalObserver(calls)
	hooks := sys.journalObserver("a")
	hooks.Synced(time.Now(), time.Millisecond, nil)
	hooks.Packed(time.Now(), time.Millisecond, nil)
	hooks.WriteFailed(errors.New("disk full"))
	calls.mu.Lock()
	got := calls.calls
	calls.mu.Unlock()
	if len(got) != 3 || got[0] != "synced a" || got[1] != "packed a" || got[2] != "failed a" {
		t.Fatalf("observer heard %q", got)
	}
	if n := queueStat(t, sys, "a", "journal_write_errors"); n != "1" {
		t.Fatalf("journal_write_errors = %s, want 1", n)
	}
}
