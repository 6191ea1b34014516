package persistence

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Names of the files of a queue "q" (Kestrel's layout):
//
//	q              current file, appended to
//	q.<ts>         rotated file, replayed before q in <ts> order
//	q.<ts>.pack    packed state that supersedes rotated files with ts <= <ts>
//	q~~<anything>  temporary, never replayed, deleted when the queue opens
//	corrupt/       files moved aside because they could not be read
const (
	tempMarker = "~~"
	packSuffix = ".pack"
	corruptDir = "corrupt"
)

type fileKind int

const (
	kindCurrent fileKind = iota
	kindRotated
	kindPack
)

// journalFile is one recognised file of a queue.
type journalFile struct {
	name string // base name in the queue directory
	kind fileKind
	ts   int64 // timestamp of rotated and pack files
}

// parseFileName splits a base name into its queue and kind. Temporary
// files, hidden files and unrecognised suffixes are not journal files.
func parseFileName(base string) (queue string, f journalFile, ok bool) {
	if base == "" || base[0] == '.' || strings.Contains(base, tempMarker) {
		return "", f, false
	}
	queue, rest, dotted := strings.Cut(base, ".")
	f.name = base
	if !dotted {
		return queue, f, true
	}
	f.kind = kindRotated
	if ts, found := strings.CutSuffix(rest, packSuffix); found {
		f.kind, rest = kindPack, ts
	}
	ts, err := strconv.ParseInt(rest, 10, 64)
	if err != nil || ts < 0 || rest[0] == '+' {
		return "", f, false
	}
	f.ts = ts
	return queue, f, true
}

// QueueNames lists the queues that have journal files in dir, sorted. A
// missing dir has no queues.
func QueueNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal dir %s: list: %w", dir, cause(err))
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if q, _, ok := parseFileName(e.Name()); ok {
			names = append(names, q)
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// archivedFiles lists the rotated and pack files of queue name, sorted by
// timestamp (a pack before a rotated file of the same timestamp).
func archivedFiles(dir, name string) ([]journalFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal dir %s: list: %w", dir, cause(err))
	}
	var files []journalFile
	for _, e := range entries {
		q, f, ok := parseFileName(e.Name())
		if ok && q == name && f.kind != kindCurrent && !e.IsDir() {
			files = append(files, f)
		}
	}
	slices.SortFunc(files, func(a, b journalFile) int {
		return cmp.Or(cmp.Compare(a.ts, b.ts), cmp.Compare(b.kind, a.kind))
	})
	return files, nil
}

// tempFiles lists the temporary files of queue name.
func tempFiles(dir, name string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal dir %s: list: %w", dir, cause(err))
	}
	var temps []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), name+tempMarker) && !e.IsDir() {
			temps = append(temps, e.Name())
		}
	}
	return temps, nil
}

// resolvePacks does what Kestrel does on start: a pack file holds the state
// of every rotated file with a timestamp <= its own, so those are deleted and
// the pack becomes the rotated file of its timestamp. It returns the
// remaining rotated files in replay order.
func resolvePacks(dir, name string) ([]journalFile, error) {
	files, err := archivedFiles(dir, name)
	if err != nil {
		return nil, err
	}
	for {
		i := slices.IndexFunc(files, func(f journalFile) bool { return f.kind == kindPack })
		if i < 0 {
			return files, nil
		}
		pack := files[i]
		for _, f := range files[:i] {
			if err := removeFile(filepath.Join(dir, f.name)); err != nil {
				return nil, err
			}
		}
		rotated := journalFile{name: strings.TrimSuffix(pack.name, packSuffix), kind: kindRotated, ts: pack.ts}
		if err := renameFile(dir, pack.name, rotated.name); err != nil {
			return nil, err
		}
		if i+1 < len(files) && files[i+1].name == rotated.name {
			i++ // the rotated file of the same timestamp was just replaced
		}
		files = append([]journalFile{rotated}, files[i+1:]...)
	}
}

func rotatedName(name string, ts int64) string { return name + "." + strconv.FormatInt(ts, 10) }

func packName(name string, ts int64) string { return rotatedName(name, ts) + packSuffix }

// nextTimestamp is a millisecond timestamp later than every archived file's,
// so a new rotated or pack file sorts last.
func nextTimestamp(files []journalFile) int64 {
	ts := time.Now().UnixMilli()
	for _, f := range files {
		ts = max(ts, f.ts+1)
	}
	return ts
}

// removeFile deletes a file; one that is already gone is fine.
func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("journal %s: remove: %w", path, cause(err))
	}
	return nil
}

// renameFile renames within dir and makes the rename durable.
func renameFile(dir, from, to string) error {
	src, dst := filepath.Join(dir, from), filepath.Join(dir, to)
	if err := os.Rename(src, dst); err != nil {
		return fmt.Errorf("journal %s: rename to %s: %w", src, dst, cause(err))
	}
	return syncDir(dir)
}

// syncDir fsyncs a directory so that creations, renames and removals in it
// survive a power loss.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("journal dir %s: open: %w", dir, cause(err))
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("journal dir %s: fsync: %w", dir, cause(err))
	}
	return nil
}

// moveAside moves an unreadable file into dir/corrupt/<base>.<unix-ms>,
// never overwriting an earlier one, and returns where it went.
func moveAside(dir, path string) (string, error) {
	cdir := filepath.Join(dir, corruptDir)
	if err := os.MkdirAll(cdir, 0o755); err != nil {
		return "", fmt.Errorf("journal %s: move aside: %w", path, cause(err))
	}
	base := filepath.Base(path)
	for ms := time.Now().UnixMilli(); ; ms++ {
		dst := filepath.Join(cdir, base+"."+strconv.FormatInt(ms, 10))
		_, err := os.Lstat(dst)
		if err == nil {
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("journal %s: move aside: %w", path, cause(err))
		}
		if err := os.Rename(path, dst); err != nil {
			return "", fmt.Errorf("journal %s: move aside: %w", path, cause(err))
		}
		if err := syncDir(cdir); err != nil {
			return dst, err
		}
		return dst, syncDir(dir)
	}
}

// cause strips the *fs.PathError wrapper: our messages already name the
// file and the operation.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var linkErr *os.LinkError
	if errors.As(err, &linkErr) {
		return linkErr.Err
	}
	return err
}

func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// statFile returns the size of path.
func statFile(path string) (int64, error) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// newAside creates a file in dir/corrupt/ named base.<unix-ms>, never
// overwriting an earlier one.
func newAside(dir, base string) (*os.File, error) {
	cdir := filepath.Join(dir, corruptDir)
	if err := os.MkdirAll(cdir, 0o755); err != nil {
		return nil, fmt.Errorf("journal dir %s: %w", cdir, cause(err))
	}
	for ms := time.Now().UnixMilli(); ; ms++ {
		f, err := os.OpenFile(filepath.Join(cdir, filepath.Base(base)+"."+strconv.FormatInt(ms, 10)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("journal dir %s: %w", cdir, cause(err))
		}
		return f, nil
	}
}
