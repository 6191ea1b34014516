package persistence

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// SyncMode decides when written records are fsynced. Whatever the mode,
// Flush has handed the bytes to the operating system when it returns.
type SyncMode int

const (
	SyncNever    SyncMode = iota // leave it to the operating system
	SyncPeriodic                 // a background fdatasync every SyncPeriod, if anything was written
	SyncAlways                   // fdatasync in every Flush
)

// Options configure a Journal.
type Options struct {
	Sync SyncMode
	// SyncPeriod is the fsync interval for SyncPeriodic; zero or less makes
	// SyncPeriodic behave as SyncAlways.
	SyncPeriod time.Duration
	Logger     *slog.Logger // nil means slog.Default()
	Observer   Observer     // told of fsyncs, packs and failed writes
	// OpenFile opens a journal file for appending; nil means the real
	// disk. Tests put a failing disk here.
	OpenFile func(path string) (File, error)
}

// maxIdleBuffer is the largest pending buffer kept between batches; a
// bigger one left by an unusual batch is given back to the garbage collector.
const maxIdleBuffer = 4 << 20

var errClosed = errors.New("journal is closed")

// Journal is the set of files of one queue under dir: the current file
// dir/<name>, plus the rotated files dir/<name>.<timestamp> and packs
// dir/<name>.<timestamp>.pack that Replay reads. It is not safe for
// concurrent use, except that the periodic syncer runs beside the owner.
type Journal struct {
	dir, name, path string
	opts            Options
	log             *slog.Logger
	openFile        func(path string) (file, error)

	pending      []byte
	fileSize     int64 // bytes of the current file that are on disk
	archivedSize int64 // bytes of the rotated files
	replayed     bool
	replayAt     replayPosition // the record Replay is applying
	needMark     bool           // the next batch starts with a mark (checksum.go)
	cursors      map[*Cursor]struct{}
	closed       bool
	broken       error // the file may end in a partial batch; appends would be lost behind it

	mu      sync.Mutex // guards w and dirty, which the syncer reads
	w       file
	dirty   bool           // written since the last fsync
	syncing sync.WaitGroup // fsyncs the syncer has under way on w
	syncer  *syncer
}

// Open prepares the journal of queue name in dir, creating dir if missing
// and deleting the queue's leftover temporary files. It reads nothing yet.
func Open(dir, name string, opts Options) (*Journal, error) {
	if name == "" || strings.ContainsAny(name, "/.~\x00") {
		return nil, fmt.Errorf("journal %s: invalid queue name %q", filepath.Join(dir, name), name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("journal dir %s: create: %w", dir, cause(err))
	}
	if opts.Sync == SyncPeriodic && opts.SyncPeriod <= 0 {
		opts.Sync = SyncAlways
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.OpenFile == nil {
		opts.OpenFile = OpenAppend
	}
	j := &Journal{
		dir: dir, name: name, path: filepath.Join(dir, name),
		opts: opts, log: opts.Logger, openFile: opts.OpenFile,
		cursors: make(map[*Cursor]struct{}),
	}
	if err := j.removeTemps(); err != nil {
		return nil, err
	}
	return j, nil
}

// removeTemps deletes what an interrupted rewrite or pack left behind.
func (j *Journal) removeTemps() error {
	temps, err := tempFiles(j.dir, j.name)
	if err != nil {
		return err
	}
	for _, t := range temps {
		j.log.Info("journal: deleting temporary file", "file", filepath.Join(j.dir, t))
		if err := removeFile(filepath.Join(j.dir, t)); err != nil {
			return err
		}
	}
	return nil
}

// Path is the current file's path.
func (j *Journal) Path() string { return j.path }

// Append encodes r into the pending buffer. Nothing reaches the file until
// Flush.
func (j *Journal) Append(r Record) { j.pending = AppendRecord(j.pending, r) }

// Pending is the number of bytes appended since the last Flush.
func (j *Journal) Pending() int { return len(j.pending) }

// Size is the current file's size including pending bytes.
func (j *Journal) Size() int64 { return j.fileSize + int64(len(j.pending)) }

// NextOffset is where the next appended record will start in the current
// file (read-behind remembers it): after the pending bytes and the mark
// the next batch may need.
func (j *Journal) NextOffset() int64 {
	n := j.Size()
	if j.needMark {
		n += 1 + checksumLen
	}
	return n
}

// TotalSize is the size of all the queue's files including pending bytes.
func (j *Journal) TotalSize() int64 { return j.archivedSize + j.Size() }

// Flush writes the pending buffer to the current file in one write (short
// writes are retried) and, with SyncAlways, fdatasyncs it. With nothing
// pending it does nothing.
//
// If the write fails the batch is dropped and the file is cut back to its
// size before the batch, so that it stays readable; the caller decides what
// the failed batch means. Should that cut fail too, every later Flush fails
// until Rewrite replaces the file.
func (j *Journal) Flush() error {
	err := j.flush()
	j.opts.Observer.writeFailed(err)
	return err
}

func (j *Journal) flush() error {
	if len(j.pending) == 0 {
		return nil
	}
	defer j.resetPending()
	if err := j.usable(); err != nil {
		return err
	}
	if err := j.ensureWriter(); err != nil {
		return err
	}
	if err := j.writeMark(); err != nil {
		return err
	}
	j.pending = appendChecksum(j.pending, 0)
	n, err := writeAll(j.w, j.pending)
	if err != nil {
		j.undoPartialWrite(n)
		return j.errorf("write", err)
	}
	j.fileSize += int64(n)
	if j.opts.Sync == SyncAlways {
		if err := j.syncFile(j.w); err != nil {
			return j.errorf("fdatasync", err)
		}
		return nil
	}
	j.mu.Lock()
	j.dirty = true
	j.mu.Unlock()
	return nil
}

func (j *Journal) resetPending() {
	if cap(j.pending) > maxIdleBuffer {
		j.pending = nil
		return
	}
	j.pending = j.pending[:0]
}

// writeAll writes p, retrying short writes, and reports how much was
// written.
func writeAll(f file, p []byte) (int, error) {
	total := 0
	for total < len(p) {
		n, err := f.Write(p[total:])
		total += n
		if err != nil {
			return total, err
		}
		if n == 0 {
			return total, errors.New("short write")
		}
	}
	return total, nil
}

// undoPartialWrite cuts off the part of a failed batch that reached the
// file: left there, it would be a torn record in the middle of the journal
// once later batches follow it.
func (j *Journal) undoPartialWrite(n int) {
	if n == 0 {
		return
	}
	if err := j.w.Truncate(j.fileSize); err != nil {
		j.broken = j.errorf("truncate after failed write", err)
		j.log.Error("journal: cannot cut off a partial write; refusing further writes",
			"file", j.path, "offset", j.fileSize, "error", cause(err))
	}
}

// Sync fsyncs what has been flushed so far. Pending appends are not flushed.
func (j *Journal) Sync() error {
	if err := j.usable(); err != nil {
		return err
	}
	if j.w == nil {
		return nil
	}
	j.mu.Lock()
	j.dirty = false
	j.mu.Unlock()
	if err := j.syncFile(j.w); err != nil {
		return j.errorf("fdatasync", err)
	}
	return nil
}

// Close flushes, fsyncs, stops the syncer and closes the file. Closing a
// closed journal does nothing.
func (j *Journal) Close() error {
	if j.closed {
		return nil
	}
	err := j.Flush()
	j.stopSyncer()
	w := j.detachWriter()
	j.closed = true
	if w == nil {
		return err
	}
	if serr := j.syncFile(w); serr != nil {
		err = errors.Join(err, j.errorf("fdatasync", serr))
	}
	if cerr := w.Close(); cerr != nil {
		err = errors.Join(err, j.errorf("close", cerr))
	}
	return err
}

// Erase closes the journal and deletes every file of the queue: current,
// rotated, pack and temporary. Files moved into corrupt/ stay.
func (j *Journal) Erase() error {
	err := j.Close()
	archived, lerr := archivedFiles(j.dir, j.name)
	temps, terr := tempFiles(j.dir, j.name)
	if err = errors.Join(err, lerr, terr); lerr != nil || terr != nil {
		return err
	}
	names := []string{j.name}
	for _, f := range archived {
		names = append(names, f.name)
	}
	for _, n := range append(names, temps...) {
		err = errors.Join(err, removeFile(filepath.Join(j.dir, n)))
	}
	return errors.Join(err, syncDir(j.dir))
}

func (j *Journal) usable() error {
	if j.closed {
		return j.errorf("write", errClosed)
	}
	return j.broken
}

// ensureWriter opens the current file for appending if Replay has not.
func (j *Journal) ensureWriter() error {
	if j.w != nil {
		return nil
	}
	return j.openWriter()
}

// openWriter opens the current file for appending, creating it (durably)
// if missing, and starts the syncer.
func (j *Journal) openWriter() error {
	_, statErr := os.Stat(j.path)
	w, err := j.openFile(j.path)
	if err != nil {
		return j.errorf("open", err)
	}
	info, err := os.Stat(j.path)
	if err != nil {
		w.Close()
		return j.errorf("stat", err)
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		if err := syncDir(j.dir); err != nil {
			w.Close()
			return err
		}
	}
	j.attachWriter(w, info.Size())
	return nil
}

// attachWriter makes w the current file's writer, size bytes long.
func (j *Journal) attachWriter(w file, size int64) {
	j.mu.Lock()
	j.w, j.dirty = w, false
	j.mu.Unlock()
	j.fileSize = size
	j.startSyncer()
}

// detachWriter takes the writer away from the syncer, waiting out an
// fsync it has under way, and returns it for the caller to close.
func (j *Journal) detachWriter() file {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.syncing.Wait()
	w := j.w
	j.w, j.dirty = nil, false
	return w
}

// errorf names the current file, the operation and the cause:
// "journal /x/q: write: no space left on device".
func (j *Journal) errorf(op string, err error) error {
	return fmt.Errorf("journal %s: %s: %w", j.path, op, cause(err))
}
