package persistence

import (
	"strings"
	"sync"
)

// fakeFile wraps a real file to count calls and inject failures.
type fakeFile struct {
	file
	disk *fakeDisk
	path string
}

// fakeDisk is shared by every file a journal opens through it.
type fakeDisk struct {
	mu        sync.Mutex
	writes    int
	syncs     int
	truncates []int64
	maxWrite  int   // > 0: writes stop after this many bytes (short writes)
	writeErr  error // returned by writes after writing partial bytes
	partial   int   // bytes written before writeErr
	syncErr   error
	syncErrOn string // syncErr only for paths containing this
	truncErr  error
	synced    chan struct{} // if set, gets a value on every sync
}

func (d *fakeDisk) open(path string) (file, error) {
	f, err := OpenAppend(path)
	if err != nil {
		return nil, err
	}
	return &fakeFile{file: f, disk: d, path: path}, nil
}

func (d *fakeDisk) counts() (writes, syncs int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.writes, d.syncs
}

func (f *fakeFile) Write(p []byte) (int, error) {
	d := f.disk
	d.mu.Lock()
	d.writes++
	werr, partial, maxWrite := d.writeErr, d.partial, d.maxWrite
	d.mu.Unlock()
	if werr != nil {
		n, _ := f.file.Write(p[:min(partial, len(p))])
		return n, werr
	}
	if maxWrite > 0 && len(p) > maxWrite {
		p = p[:maxWrite]
	}
	return f.file.Write(p)
}

func (f *fakeFile) Sync() error {
	d := f.disk
	d.mu.Lock()
	d.syncs++
	err, ch := d.syncErr, d.synced
	if !strings.Contains(f.path, d.syncErrOn) {
		err = nil
	}
	d.mu.Unlock()
	if ch != nil {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	if err != nil {
		return err
	}
	return f.file.Sync()
}

func (f *fakeFile) Truncate(size int64) error {
	d := f.disk
	d.mu.Lock()
	d.truncates = append(d.truncates, size)
	err := d.truncErr
	d.mu.Unlock()
	if err != nil {
		return err
	}
	return f.file.Truncate(size)
}
