package persistence

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Rewrite replaces all the queue's files with one current file holding
// exactly records. Pending appends are flushed first.
//
// Every step leaves files that replay to the same queue: the new file is
// written under a temporary name and fsynced before it replaces anything,
// and the directory is fsynced after each rename. With rotated files
// present, renaming the new file over the current one would let a crash
// replay the old rotated files in front of it, so then the current file is
// rotated away first and the new file goes in as a pack that supersedes
// all of them, which Replay also understands.
func (j *Journal) Rewrite(records []Record) error {
	start := time.Now()
	err := j.rewrite(records)
	j.opts.Observer.packed(start, err)
	return err
}

func (j *Journal) rewrite(records []Record) error {
	if err := j.Flush(); err != nil {
		return err
	}
	if j.closed {
		return j.errorf("rewrite", errClosed)
	}
	var buf []byte
	for _, r := range records {
		buf = AppendRecord(buf, r)
	}
	if len(buf) > 0 {
		buf = appendChecksum(buf, 0)
	}
	archived, err := archivedFiles(j.dir, j.name)
	if err != nil {
		return err
	}
	if len(archived) == 0 {
		err = j.rewriteCurrent(buf)
	} else {
		err = j.rewriteAll(buf, archived)
	}
	if err == nil {
		j.broken = nil
	}
	return err
}

// rewriteCurrent renames a new file over the current one, the only file.
func (j *Journal) rewriteCurrent(buf []byte) error {
	tmp, w, err := j.writeTemp(buf)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, j.path); err != nil {
		w.Close()
		return errors.Join(j.errorf("rename "+tmp, err), removeFile(tmp))
	}
	if old := j.detachWriter(); old != nil {
		old.Close()
	}
	// The temporary file's descriptor now refers to the current file.
	j.attachWriter(w, int64(len(buf)))
	j.archivedSize = 0
	return syncDir(j.dir)
}

// rewriteAll rotates the current file away, installs the new file as a
// pack superseding every rotated file, then cleans up as Replay would.
func (j *Journal) rewriteAll(buf []byte, archived []journalFile) error {
	ts := nextTimestamp(archived)
	if err := j.rotateCurrent(ts); err != nil {
		return err
	}
	err := j.installPack(buf, ts)
	if err == nil {
		err = j.openWriter()
	}
	if err != nil {
		// Whatever step failed, the files on disk still replay to the queue;
		// appends must go on in a fresh current file after them.
		if j.w == nil {
			err = errors.Join(err, j.openWriter())
		}
		j.archivedSize = j.sizeOfArchived()
		return err
	}
	j.archivedSize = 0
	return nil
}

// rotateCurrent closes the current file and renames it to <name>.<ts>.
func (j *Journal) rotateCurrent(ts int64) error {
	if old := j.detachWriter(); old != nil {
		serr := old.Sync()
		cerr := old.Close()
		if err := errors.Join(serr, cerr); err != nil {
			return errors.Join(j.errorf("close for rewrite", err), j.openWriter())
		}
	}
	rotated := rotatedName(j.name, ts)
	err := renameFile(j.dir, j.name, rotated)
	if err != nil && fileExists(j.path) {
		return errors.Join(err, j.openWriter())
	}
	j.log.Info("journal: rotated", "file", j.path, "to", rotated)
	return nil
}

// installPack writes buf as <name>.<ts>.pack, deletes the files it
// supersedes and renames it to be the current file.
func (j *Journal) installPack(buf []byte, ts int64) error {
	tmp, w, err := j.writeTemp(buf)
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return errors.Join(j.errorf("close "+tmp, err), removeFile(tmp))
	}
	pack := packName(j.name, ts)
	if err := renameFile(j.dir, filepath.Base(tmp), pack); err != nil {
		return errors.Join(err, removeFile(tmp))
	}
	archived, err := archivedFiles(j.dir, j.name)
	if err != nil {
		return err
	}
	for _, f := range archived {
		if f.name != pack {
			if err := removeFile(filepath.Join(j.dir, f.name)); err != nil {
				return err
			}
		}
	}
	if err := syncDir(j.dir); err != nil {
		return err
	}
	return renameFile(j.dir, pack, j.name)
}

// writeTemp writes buf to a new temporary file of the queue and fsyncs it,
// returning its path and its still open writer.
func (j *Journal) writeTemp(buf []byte) (string, file, error) {
	tmp := j.path + tempMarker + strconv.FormatInt(time.Now().UnixNano(), 10)
	w, err := j.openFile(tmp)
	if err != nil {
		return "", nil, j.errorf("create "+tmp, err)
	}
	_, err = writeAll(w, buf)
	op := "write " + tmp
	if err == nil {
		err, op = w.Sync(), "fdatasync "+tmp
	}
	if err != nil {
		w.Close()
		return "", nil, errors.Join(j.errorf(op, err), removeFile(tmp))
	}
	return tmp, w, nil
}

func (j *Journal) sizeOfArchived() int64 {
	archived, _ := archivedFiles(j.dir, j.name)
	var total int64
	for _, f := range archived {
		if info, err := statFile(filepath.Join(j.dir, f.name)); err == nil {
			total += info
		}
	}
	return total
}
