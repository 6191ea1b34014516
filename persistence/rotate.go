package persistence

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"
)

// Rotate flushes and closes the current file, renames it <name>.<ts> and
// starts a new, empty current file. A queue reading behind rotates after
// every max_memory_size of writes, so that the files its read-behind has
// passed can be packed away. It returns the rotated file's name.
func (j *Journal) Rotate() (string, error) {
	if err := j.Flush(); err != nil {
		return "", err
	}
	archived, err := archivedFiles(j.dir, j.name)
	if err != nil {
		return "", err
	}
	ts := nextTimestamp(archived)
	size := j.fileSize
	if err := j.rotateCurrent(ts); err != nil {
		return "", err
	}
	rotated := journalFile{name: rotatedName(j.name, ts), kind: kindRotated, ts: ts}
	for c := range j.cursors {
		c.rotated(rotated, size)
	}
	j.archivedSize += size
	return rotated.name, j.openWriter()
}

// Pack is the replacement of a queue's rotated files up to and including
// one of them by a single file holding their state. It touches only those
// files, never the current one, so it can run beside the journal's owner;
// each step leaves files that replay to the same queue.
type Pack struct {
	dir, name string
	upTo      journalFile
	replaced  []journalFile
	buf       []byte
}

// PackSteps names the steps of Pack.Run, in order.
var PackSteps = []string{"write temporary file", "rename to .pack", "delete packed files", "rename into place"}

// NewPack prepares packing the rotated files up to and including upTo
// into one file holding records.
func (j *Journal) NewPack(upTo string, records []Record) (*Pack, error) {
	_, last, ok := parseFileName(upTo)
	if !ok || last.kind != kindRotated {
		return nil, fmt.Errorf("journal %s: pack: %s is not a rotated file", j.path, upTo)
	}
	archived, err := archivedFiles(j.dir, j.name)
	if err != nil {
		return nil, err
	}
	p := &Pack{dir: j.dir, name: j.name, upTo: last}
	for _, f := range archived {
		if f.ts <= last.ts {
			p.replaced = append(p.replaced, f)
		}
	}
	for _, r := range records {
		p.buf = AppendRecord(p.buf, r)
	}
	p.buf = appendChecksum(p.buf, 0)
	return p, nil
}

// Run does the steps; before each, keepGoing (if not nil) may stop it
// there, as a crash would (for tests of every intermediate state).
func (p *Pack) Run(keepGoing func(step int) bool) error {
	steps := []func() error{p.writeTemp, p.renameToPack, p.deleteReplaced, p.renameIntoPlace}
	for i, step := range steps {
		if keepGoing != nil && !keepGoing(i) {
			return nil
		}
		if err := step(); err != nil {
			return fmt.Errorf("pack %s (%s): %w", filepath.Join(p.dir, p.name), PackSteps[i], err)
		}
	}
	return nil
}

func (p *Pack) tempPath() string {
	return filepath.Join(p.dir, p.name+tempMarker+"pack."+strconv.FormatInt(p.upTo.ts, 10))
}

func (p *Pack) writeTemp() error {
	if err := removeFile(p.tempPath()); err != nil { // left by a failed attempt
		return err
	}
	w, err := OpenAppend(p.tempPath())
	if err != nil {
		return err
	}
	_, err = writeAll(w, p.buf)
	if err == nil {
		err = w.Sync()
	}
	return errors.Join(err, w.Close())
}

func (p *Pack) renameToPack() error {
	return renameFile(p.dir, filepath.Base(p.tempPath()), packName(p.name, p.upTo.ts))
}

func (p *Pack) deleteReplaced() error {
	for _, f := range p.replaced {
		if err := removeFile(filepath.Join(p.dir, f.name)); err != nil {
			return err
		}
	}
	return syncDir(p.dir)
}

func (p *Pack) renameIntoPlace() error {
	return renameFile(p.dir, packName(p.name, p.upTo.ts), p.upTo.name)
}

// Packed updates the journal's sizes after a pack that started at start
// ran, and tells the observer.
func (j *Journal) Packed(start time.Time, err error) {
	j.archivedSize = j.sizeOfArchived()
	j.opts.Observer.packed(start, err)
}
