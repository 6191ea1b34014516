package actors

import (
	"time"

	"github.com/kestrel-go/kestrel/persistence"
)

// JournalObserver hears of every queue's journal disk work, for metrics and
// traces. Its methods run on the goroutine doing the work (a queue actor,
// or a journal's periodic syncer): they must be quick and safe for
// concurrent use.
type JournalObserver interface {
	// JournalSynced follows an fdatasync of queue's journal.
	JournalSynced(queue string, start time.Time, d time.Duration, err error)
	// JournalPacked follows a rewrite of queue's journal to its live state.
	JournalPacked(queue string, start time.Time, d time.Duration, err error)
	// JournalWriteFailed follows a batch of queue's journal that failed to
	// reach the file or the disk.
	JournalWriteFailed(queue string, err error)
}

// AddJournalObserver makes o hear of the journal work of every queue, those
// already open included.
func (s *System) AddJournalObserver(o JournalObserver) {
	for {
		old := s.obs.journal.Load()
		var next []JournalObserver
		if old != nil {
			next = append(next, *old...)
		}
		next = append(next, o)
		if s.obs.journal.CompareAndSwap(old, &next) {
			return
		}
	}
}

func (s *System) journalObservers() []JournalObserver {
	if list := s.obs.journal.Load(); list != nil {
		return *list
	}
	return nil
}

// journalObserver is the persistence side of the observers for one queue's
// journal; it also counts the queue's journal_write_errors. It reads the
// list at each call, so observers added after the journal was opened are
// heard too.
func (s *System) journalObserver(queue string) persistence.Observer {
	return persistence.Observer{
		Synced: func(start time.Time, d time.Duration, err error) {
			for _, o := range s.journalObservers() {
				o.JournalSynced(queue, start, d, err)
			}
		},
		Packed: func(start time.Time, d time.Duration, err error) {
			for _, o := range s.journalObservers() {
				o.JournalPacked(queue, start, d, err)
			}
		},
		WriteFailed: func(err error) {
			if v, ok := s.obs.queues.Load(queue); ok {
				v.(*queueStats).journalErrors.Add(1)
			}
			for _, o := range s.journalObservers() {
				o.JournalWriteFailed(queue, err)
			}
		},
	}
}
