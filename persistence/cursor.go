package persistence

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Cursor reads the current journal file forward from an offset, never past
// what has been written to it. It serves read-behind: a queue holding more
// than its memory limit keeps the later items only in the journal and reads
// them back, in order, as its head drains.
type Cursor struct {
	j    *Journal
	f    *os.File
	base int64   // where r started
	r    *Reader // over [base, the written size when r was made)
}

// OpenCursor starts a cursor at offset in the current file.
func (j *Journal) OpenCursor(offset int64) (*Cursor, error) {
	f, err := os.Open(j.path)
	if err != nil {
		return nil, fmt.Errorf("journal %s: open for read-behind: %w", j.path, cause(err))
	}
	return &Cursor{j: j, f: f, base: offset}, nil
}

// Offset is where the next record starts.
func (c *Cursor) Offset() int64 {
	if c.r == nil {
		return c.base
	}
	return c.base + c.r.Offset()
}

// Next returns the next record, or io.EOF once it has caught up with what
// the journal has written (pending appends are not visible until flushed).
func (c *Cursor) Next() (Record, error) {
	if c.r != nil {
		rec, err := c.r.Next()
		if !errors.Is(err, io.EOF) {
			return rec, c.wrap(err)
		}
		c.base, c.r = c.Offset(), nil
	}
	written := c.j.fileSize
	if c.j.w == nil {
		// Still replaying: only the records already applied exist.
		written = c.j.replayAt.offset
	}
	if c.base >= written {
		return Record{}, io.EOF
	}
	c.r = NewReader(io.NewSectionReader(c.f, c.base, written-c.base), written-c.base)
	rec, err := c.r.Next()
	return rec, c.wrap(err)
}

func (c *Cursor) wrap(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	return fmt.Errorf("journal %s: read-behind at offset %d: %w", c.j.path, c.Offset(), err)
}

// Close releases the cursor's file.
func (c *Cursor) Close() error { return c.f.Close() }

// ReplayPosition tells, while Replay is applying a record, whether the
// record is in the current file and at which offset it starts.
func (j *Journal) ReplayPosition() (inCurrent bool, offset int64) {
	return j.replayAt.current, j.replayAt.offset
}

type replayPosition struct {
	current bool
	offset  int64
}
