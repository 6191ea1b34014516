package persistence

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ReplayReport says what Replay read and what it had to cut or set aside.
type ReplayReport struct {
	Records   int   // records applied
	Bytes     int64 // bytes of the records applied
	TornBytes int64 // bytes cut off the end of the current file
	Corrupt   []CorruptFile
}

// CorruptFile is a file that could not be read past Offset and was moved
// to MovedTo; the records before Offset were applied.
type CorruptFile struct {
	File, MovedTo string
	Offset        int64
	Reason        string
}

// fileReplay is the outcome of reading one file.
type fileReplay struct {
	size int64 // bytes in the file
	good int64 // end of the last good record
	bad  error // ErrTornRecord or *CorruptError when good < size
}

// Replay calls apply for every record of every file of the queue, in
// Kestrel's order: packs first supersede the rotated files they cover, then
// rotated files go in timestamp order, then the current file.
//
// A torn record at the end of the current file is cut off with a warning.
// Any other file that cannot be read to its end (a rotated file is complete
// by construction, so a torn one is damaged too) has its readable part
// applied and is then moved into dir/corrupt/, with an error logged and the
// file listed in the report. Replay leaves the journal open for appending
// at the end of the current file, which it creates if missing.
func (j *Journal) Replay(apply func(Record)) (ReplayReport, error) {
	var rep ReplayReport
	if err := j.usable(); err != nil {
		return rep, err
	}
	if j.replayed || j.w != nil {
		return rep, j.errorf("replay", errors.New("journal is already open for appending"))
	}
	j.replayed = true
	files, err := resolvePacks(j.dir, j.name)
	if err != nil {
		return rep, err
	}
	j.archivedSize = 0
	for _, f := range files {
		path := filepath.Join(j.dir, f.name)
		res, err := j.replayFile(path, apply, &rep)
		if err != nil {
			return rep, err
		}
		if res.bad == nil {
			j.archivedSize += res.size
			continue
		}
		if err := j.setAside(path, res, &rep); err != nil {
			return rep, err
		}
	}
	err = j.replayCurrent(apply, &rep)
	j.replayAt = replayPosition{}
	return rep, err
}

// replayCurrent replays the current file and opens it for appending.
func (j *Journal) replayCurrent(apply func(Record), rep *ReplayReport) error {
	res, err := j.replayFile(j.path, apply, rep)
	if err != nil {
		return err
	}
	if res.bad != nil && !errors.Is(res.bad, ErrTornRecord) {
		if err := j.setAside(j.path, res, rep); err != nil {
			return err
		}
	}
	if err := j.openWriter(); err != nil {
		return err
	}
	if errors.Is(res.bad, ErrTornRecord) {
		if err := j.cutTornTail(res, rep); err != nil {
			return err
		}
	}
	// Our first batch on a file whose end we did not write starts with a
	// mark (see checksum.go), so that its checksum covers only our bytes.
	j.needMark = j.fileSize > 0
	return nil
}

// writeMark writes the mark a batch needs first, if it does.
func (j *Journal) writeMark() error {
	if !j.needMark {
		return nil
	}
	n, err := writeAll(j.w, appendMark(nil))
	if err != nil {
		j.undoPartialWrite(n)
		return j.errorf("write mark", err)
	}
	j.fileSize += int64(n)
	j.needMark = false
	return nil
}

// cutTornTail truncates the current file after its last good record: the
// rest is a write that never completed, and later appends must not land
// behind it.
func (j *Journal) cutTornTail(res fileReplay, rep *ReplayReport) error {
	torn := res.size - res.good
	// A record whose size field was damaged looks torn too, with good
	// records after it: keep the cut bytes aside rather than lose them.
	kept, err := j.keepTail(res.good)
	if err != nil {
		return err
	}
	j.log.Warn("journal: cutting off a torn record at the end of the file",
		"file", j.path, "offset", res.good, "bytes", torn, "kept_in", kept)
	if err := j.w.Truncate(res.good); err != nil {
		return j.errorf("truncate torn record", err)
	}
	if err := j.w.Sync(); err != nil {
		return j.errorf("fdatasync", err)
	}
	j.fileSize = res.good
	rep.TornBytes += torn
	return nil
}

// replayFile applies the records of one file up to its end or its first
// bad record. A missing file is empty. The error is for failures to read
// the file at all; a bad record is reported in the result.
func (j *Journal) replayFile(path string, apply func(Record), rep *ReplayReport) (fileReplay, error) {
	var res fileReplay
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("journal %s: open: %w", path, cause(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return res, fmt.Errorf("journal %s: stat: %w", path, cause(err))
	}
	j.log.Debug("journal: replaying", "file", path, "bytes", info.Size())
	res.size = info.Size()
	r := NewReader(f, res.size)
	b := batch{j: j, file: filepath.Base(path), apply: apply, rep: rep}
	for {
		start := r.Offset()
		rec, err := r.Next()
		if err != nil {
			res.good = b.end(r.Offset(), err)
			if res.good < r.Offset() && errors.Is(err, io.EOF) {
				err = ErrTornRecord // our last batch never got its checksum
			}
			rep.Bytes += res.good
			return res, classify(path, &res, err)
		}
		b.add(rec, start, r.Offset())
	}
}

// batch holds the records read since the last CHECKSUM record: ours are
// applied only once their checksum matched; Kestrel's, which have none,
// when the file ends or our first mark comes.
type batch struct {
	j       *Journal
	file    string
	apply   func(Record)
	rep     *ReplayReport
	recs    []Record
	offsets []int64
	start   int64 // where the batch began
	ours    bool  // the file has checksummed batches
}

func (b *batch) add(rec Record, offset, next int64) {
	if rec.Op != OpChecksum {
		b.recs = append(b.recs, rec)
		b.offsets = append(b.offsets, offset)
		return
	}
	b.flush()
	b.ours = b.ours || rec.Xid > 0
	b.start = next
}

func (b *batch) flush() {
	for i, rec := range b.recs {
		b.j.replayAt = replayPosition{file: b.file, offset: b.offsets[i]}
		b.apply(rec)
		b.rep.Records++
	}
	clear(b.recs)
	b.recs, b.offsets = b.recs[:0], b.offsets[:0]
}

// end settles the last batch when reading stops at offset with err, and
// says where the good part of the file ends: a batch of ours that never got
// its checksum (a write cut short) or failed it is not applied.
func (b *batch) end(offset int64, err error) int64 {
	var ce *CorruptError
	switch {
	case errors.As(err, &ce) && ce.Reason == checksumMismatch:
		return ce.Offset
	case b.ours && len(b.recs) > 0:
		return b.start
	}
	b.flush()
	return offset
}

// classify sorts the error that ended a file: the clean end, a bad record
// (kept in res), or a failure to read.
func classify(path string, res *fileReplay, err error) error {
	var ce *CorruptError
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case errors.Is(err, ErrTornRecord), errors.As(err, &ce):
		res.bad = err
		return nil
	}
	return fmt.Errorf("journal %s: %w", path, cause(err))
}

// setAside moves a file that could not be read to its end into corrupt/.
func (j *Journal) setAside(path string, res fileReplay, rep *ReplayReport) error {
	reason := "file ends inside a record"
	var ce *CorruptError
	if errors.As(res.bad, &ce) {
		reason = ce.Reason
	}
	moved, err := moveAside(j.dir, path)
	if err != nil {
		return err
	}
	j.log.Error("journal: file unreadable past offset; readable part applied, file moved aside",
		"file", path, "offset", res.good, "reason", reason, "moved_to", moved)
	rep.Corrupt = append(rep.Corrupt, CorruptFile{File: path, MovedTo: moved, Offset: res.good, Reason: reason})
	return nil
}

// keepTail copies the current file from offset on into corrupt/, so that a
// cut never deletes bytes, and says where they went.
func (j *Journal) keepTail(offset int64) (string, error) {
	src, err := os.Open(j.path)
	if err != nil {
		return "", j.errorf("open to keep the torn tail", err)
	}
	defer src.Close()
	if _, err := src.Seek(offset, io.SeekStart); err != nil {
		return "", j.errorf("seek to the torn tail", err)
	}
	tail := filepath.Join(j.dir, corruptDir, j.name+".tail")
	dst, err := newAside(j.dir, tail)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(dst, src)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("journal %s: keep torn tail in %s: %w", j.path, dst.Name(), cause(err))
	}
	return dst.Name(), syncDir(filepath.Dir(dst.Name()))
}
