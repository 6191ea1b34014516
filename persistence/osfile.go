package persistence

import (
	"os"
)

// File is the little the journal needs from an open file. Keeping it this
// small lets tests stand in a disk that fails.
type File interface {
	Write(p []byte) (int, error)
	Sync() error // data sync: fdatasync where there is one
	Truncate(size int64) error
	Close() error
}

// OpenAppend opens path for appending, creating it if missing: the real
// disk's Options.OpenFile.
func OpenAppend(path string) (File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

type osFile struct{ *os.File }

func (f osFile) Sync() error { return datasync(f.File) }

// file is the journal's name for File.
type file = File
