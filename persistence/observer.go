package persistence

import "time"

// Observer hears of a journal's disk work, so that the server can keep
// metrics and traces of it without this package knowing of either. Any
// field may be nil. The functions run on the goroutine doing the work (the
// journal's owner, or the periodic syncer), so they must be quick and safe
// for concurrent use.
type Observer struct {
	// Synced follows every fdatasync of the current file.
	Synced func(start time.Time, d time.Duration, err error)
	// Packed follows every Rewrite: the queue's files replaced by one file
	// holding its live state (Kestrel's packing).
	Packed func(start time.Time, d time.Duration, err error)
	// WriteFailed follows every Flush that failed: its batch did not reach
	// the file, or did not reach the disk.
	WriteFailed func(err error)
}

// syncFile fdatasyncs the current file's writer w and tells the observer.
func (j *Journal) syncFile(w file) error {
	start := time.Now()
	err := w.Sync()
	if f := j.opts.Observer.Synced; f != nil {
		f(start, time.Since(start), err)
	}
	return err
}

func (o Observer) packed(start time.Time, err error) {
	if o.Packed != nil {
		o.Packed(start, time.Since(start), err)
	}
}

func (o Observer) writeFailed(err error) {
	if err != nil && o.WriteFailed != nil {
		o.WriteFailed(err)
	}
}
