package persistence

import (
	"os"
	"strings"
	"testing"
)

func TestQueueNames(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{
		"j1", "j1.1000", "j1.2000", "j2", "j2~~", "j3~~123", "j4.50.pack",
		"j5.notanumber", ".status", "fan+out", "j6.+5", "j7.", "j8.1.pack.pack",
	} {
		writeFile(t, joinPath(dir, name), nil)
	}
	for _, d := range []string{"subdir", "corrupt", "j9.100"} {
		if err := os.Mkdir(joinPath(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, joinPath(dir, "corrupt", "zz.1"), nil)
	names, err := QueueNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names, ","); got != "fan+out,j1,j2,j4" {
		t.Fatalf("QueueNames = %s", got)
	}
}

func TestQueueNamesMissingDir(t *testing.T) {
	names, err := QueueNames(joinPath(t.TempDir(), "nope"))
	if err != nil || len(names) != 0 {
		t.Fatalf("got %v %v", names, err)
	}
}

func TestArchivedFilesOrder(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"test.3000", "test.50", "test.100", "test.100.pack", "test", "tester.1", "test~~9"} {
		writeFile(t, joinPath(dir, name), nil)
	}
	files, err := archivedFiles(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.name)
	}
	if s := strings.Join(got, " "); s != "test.50 test.100.pack test.100 test.3000" {
		t.Fatalf("order %s", s)
	}
}

func TestMoveAsideNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	var moved []string
	for i := range 3 {
		writeFile(t, joinPath(dir, "q"), []byte{byte(i)})
		dst, err := moveAside(dir, joinPath(dir, "q"))
		if err != nil {
			t.Fatal(err)
		}
		moved = append(moved, dst)
	}
	for i, m := range moved {
		if b := readFile(t, m); len(b) != 1 || b[0] != byte(i) {
			t.Fatalf("%s holds %v, want [%d]", m, b, i)
		}
	}
}
