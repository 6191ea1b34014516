package persistence

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Cursor reads a queue's journal forward from a position, across rotated
// files into the current one, never past what has been written. It serves
// read-behind: a queue holding more than its memory limit keeps the later
// items only in the journal and reads them back, in order, as its head
// drains.
type Cursor struct {
	j    *Journal
	f    *os.File
	file journalFile // the file read; kindCurrent for the current file
	end  int64       // size of a rotated file (they no longer grow)
	base int64       // where r started
	r    *Reader     // over [base, the written size when r was made)
}

// Position is a place in a queue's journal: a file ("" for the current
// one) and an offset in it.
type Position struct {
	File   string
	Offset int64
}

// OpenCursor starts a cursor at pos.
func (j *Journal) OpenCursor(pos Position) (*Cursor, error) {
	f := journalFile{name: j.name, kind: kindCurrent}
	if pos.File != "" {
		_, parsed, ok := parseFileName(pos.File)
		if !ok {
			return nil, fmt.Errorf("journal %s: read-behind: not a journal file: %s", j.path, pos.File)
		}
		f = parsed
	}
	c := &Cursor{j: j, base: pos.Offset}
	if err := c.open(f); err != nil {
		return nil, err
	}
	j.cursors[c] = struct{}{}
	return c, nil
}

func (c *Cursor) open(f journalFile) error {
	path := filepath.Join(c.j.dir, f.name)
	fd, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("journal %s: open for read-behind: %w", path, cause(err))
	}
	if f.kind != kindCurrent {
		info, err := fd.Stat()
		if err != nil {
			fd.Close()
			return fmt.Errorf("journal %s: stat for read-behind: %w", path, cause(err))
		}
		c.end = info.Size()
	}
	if c.f != nil {
		c.f.Close()
	}
	c.f, c.file, c.r = fd, f, nil
	return nil
}

// Position is where the next record starts.
func (c *Cursor) Position() Position {
	off := c.base
	if c.r != nil {
		off += c.r.Offset()
	}
	if c.file.kind == kindCurrent {
		return Position{Offset: off}
	}
	return Position{File: c.file.name, Offset: off}
}

// Beyond says whether everything up to and including the rotated file
// name has been read.
func (c *Cursor) Beyond(name string) bool {
	_, f, ok := parseFileName(name)
	return ok && (c.file.kind == kindCurrent || c.file.ts > f.ts)
}

// Next returns the next record, or io.EOF once it has caught up with what
// the journal has written (pending appends are not visible until flushed).
func (c *Cursor) Next() (Record, error) {
	for {
		if c.r != nil {
			rec, err := c.r.Next()
			if !errors.Is(err, io.EOF) {
				return rec, c.wrap(err)
			}
			c.base, c.r = c.Position().Offset, nil
		}
		limit := c.limit()
		if c.base < limit {
			// Read-behind starts mid-batch: no checksum can be checked.
			c.r = newReader(io.NewSectionReader(c.f, c.base, limit-c.base), limit-c.base, false)
			continue
		}
		if c.file.kind == kindCurrent || c.j.replayAt.file == c.file.name {
			return Record{}, io.EOF
		}
		if err := c.advance(); err != nil {
			return Record{}, err
		}
	}
}

// limit is how far the file may be read: a rotated file to its end, the
// current file to what is written; during replay, only the records already
// applied exist.
func (c *Cursor) limit() int64 {
	if c.j.w == nil && c.j.replayAt.file == c.file.name {
		return c.j.replayAt.offset
	}
	if c.file.kind != kindCurrent {
		return c.end
	}
	return c.j.fileSize
}

// advance moves to the file after a rotated file that was read to its end.
func (c *Cursor) advance() error {
	archived, err := archivedFiles(c.j.dir, c.j.name)
	if err != nil {
		return err
	}
	next := journalFile{name: c.j.name, kind: kindCurrent}
	for _, f := range archived {
		if f.kind == kindRotated && f.ts > c.file.ts {
			next = f
			break
		}
	}
	c.base = 0
	return c.open(next)
}

// rotated tells a cursor on the current file that the file was renamed to
// name and is complete at size bytes.
func (c *Cursor) rotated(f journalFile, size int64) {
	if c.file.kind == kindCurrent {
		c.base = c.Position().Offset
		c.file, c.end, c.r = f, size, nil
	}
}

func (c *Cursor) wrap(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	return fmt.Errorf("journal %s: read-behind in %s at offset %d: %w", c.j.path, c.file.name, c.Position().Offset, err)
}

// Close releases the cursor's file.
func (c *Cursor) Close() error {
	delete(c.j.cursors, c)
	return c.f.Close()
}

// ReplayPosition tells, while Replay is applying a record, where the
// record starts.
func (j *Journal) ReplayPosition() Position {
	if j.replayAt.file == j.name {
		return Position{Offset: j.replayAt.offset}
	}
	return Position{File: j.replayAt.file, Offset: j.replayAt.offset}
}

type replayPosition struct {
	file   string // base name of the file being replayed
	offset int64
}
