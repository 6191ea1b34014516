package persistence

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
)

// logBuffer collects log output for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func testLogger() (*slog.Logger, *logBuffer) {
	lb := &logBuffer{}
	return slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug})), lb
}

func openTest(t *testing.T, dir, name string, opts Options) *Journal {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger, _ = testLogger()
	}
	j, err := Open(dir, name, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { j.Close() })
	return j
}

// replayAll opens and replays a journal, returning the records.
func replayAll(t *testing.T, j *Journal) ([]Record, ReplayReport) {
	t.Helper()
	var got []Record
	rep, err := j.Replay(func(r Record) { got = append(got, r) })
	if err != nil {
		t.Fatalf("Replay: %v", err)
	}
	return got, rep
}

func encode(recs ...Record) []byte {
	var b []byte
	for _, r := range recs {
		b = AppendRecord(b, r)
	}
	return b
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func addx(data string, addTime int64) Record {
	return Record{Op: OpAddX, AddTime: addTime, Data: []byte(data)}
}

func dataOf(recs []Record) []string {
	var out []string
	for _, r := range recs {
		if r.Data != nil {
			out = append(out, string(r.Data))
		}
	}
	return out
}

func equalRecords(t *testing.T, got, want []Record) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("records:\n got %+v\nwant %+v", got, want)
	}
}

func le32(v int32) []byte { return le.AppendUint32(nil, uint32(v)) }
func le64(v int64) []byte { return le.AppendUint64(nil, uint64(v)) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func joinPath(dir string, names ...string) string {
	return filepath.Join(append([]string{dir}, names...)...)
}

// flushed is what one Flush of recs writes: the records and their checksum.
func flushed(recs ...Record) []byte { return appendChecksum(encode(recs...), 0) }
