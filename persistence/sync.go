package persistence

import "time"

// syncer is the background goroutine of SyncPeriodic: it fdatasyncs the
// current file every period, when something was written since the last
// sync, so that Flush never waits for the disk.
type syncer struct {
	stop    chan struct{}
	done    chan struct{}
	failing bool // the last sync failed; log again only once it recovers
}

func (j *Journal) startSyncer() {
	if j.opts.Sync != SyncPeriodic || j.syncer != nil {
		return
	}
	s := &syncer{stop: make(chan struct{}), done: make(chan struct{})}
	j.syncer = s
	go j.runSyncer(s, j.opts.SyncPeriod)
}

// stopSyncer stops the syncer and waits until its goroutine has returned.
func (j *Journal) stopSyncer() {
	s := j.syncer
	if s == nil {
		return
	}
	j.syncer = nil
	close(s.stop)
	<-s.done
}

func (j *Journal) runSyncer(s *syncer, period time.Duration) {
	defer close(s.done)
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			j.periodicSync(s)
		}
	}
}

// periodicSync fsyncs outside the lock so that the owner's writes go on
// meanwhile; detachWriter waits for it before the file is closed.
func (j *Journal) periodicSync(s *syncer) {
	j.mu.Lock()
	w := j.w
	if w == nil || !j.dirty {
		j.mu.Unlock()
		return
	}
	j.dirty = false
	j.syncing.Add(1)
	j.mu.Unlock()

	err := j.syncFile(w)
	j.syncing.Done()
	if err == nil {
		if s.failing {
			s.failing = false
			j.log.Info("journal: periodic fdatasync works again", "file", j.path)
		}
		return
	}
	j.mu.Lock()
	j.dirty = true
	j.mu.Unlock()
	if !s.failing {
		s.failing = true
		j.log.Error("journal: periodic fdatasync failed", "file", j.path, "error", cause(err))
	}
}
