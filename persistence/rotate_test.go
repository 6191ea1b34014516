package persistence

import (
	"io"
	"slices"
	"strings"
	"testing"
)

// rotatedJournal writes a, b into a file that is then rotated, and c into
// the new current file.
func rotatedJournal(t *testing.T, dir string) (rotated string) {
	t.Helper()
	j := openTest(t, dir, "q", Options{})
	replayAll(t, j)
	j.Append(addx("a", 1))
	j.Append(addx("b", 2))
	name, err := j.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	j.Append(addx("c", 3))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	return name
}

func TestRotateStartsANewCurrentFile(t *testing.T) {
	dir := t.TempDir()
	name := rotatedJournal(t, dir)
	if !strings.HasPrefix(name, "q.") || !exists(joinPath(dir, name)) {
		t.Fatalf("rotated file %q missing: %v", name, listDir(t, dir))
	}
	got, _ := replayAll(t, openTest(t, dir, "q", Options{}))
	if d := dataOf(got); !slices.Equal(d, []string{"a", "b", "c"}) {
		t.Fatalf("replay after rotation: %v", d)
	}
}

// TestPackStoppedAtEachStepReplaysToTheSameQueue stops a pack before each of
// its steps, as a crash would, and replays what is on disk: before the pack
// is renamed into place the old files count, after it the pack does, and
// nothing is ever replayed twice or lost.
func TestPackStoppedAtEachStepReplaysToTheSameQueue(t *testing.T) {
	for stop := 0; stop <= len(PackSteps); stop++ {
		dir := t.TempDir()
		name := rotatedJournal(t, dir)
		j := openTest(t, dir, "q", Options{})
		replayAll(t, j)
		p, err := j.NewPack(name, []Record{addx("packed", 9)})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Run(func(step int) bool { return step < stop }); err != nil {
			t.Fatalf("stop %d: %v", stop, err)
		}
		j.Close()

		got, _ := replayAll(t, openTest(t, dir, "q", Options{}))
		want := []string{"packed", "c"}
		if stop < 2 { // the pack was not yet a .pack file
			want = []string{"a", "b", "c"}
		}
		if d := dataOf(got); !slices.Equal(d, want) {
			t.Fatalf("stopped before step %d (%s): replay %v, want %v; files %v",
				stop, stepName(stop), d, want, listDir(t, dir))
		}
		for _, f := range listDir(t, dir) {
			if strings.Contains(f, "~~") || strings.HasSuffix(f, ".pack") {
				t.Fatalf("stopped before step %d: %s left after replay", stop, f)
			}
		}
	}
}

func stepName(i int) string {
	if i < len(PackSteps) {
		return PackSteps[i]
	}
	return "done"
}

func TestCursorFollowsRotation(t *testing.T) {
	dir := t.TempDir()
	j := openTest(t, dir, "q", Options{})
	replayAll(t, j)
	j.Append(addx("a", 1))
	if err := j.Flush(); err != nil {
		t.Fatal(err)
	}
	c, err := j.OpenCursor(Position{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := j.Rotate(); err != nil {
		t.Fatal(err)
	}
	j.Append(addx("b", 2))
	var got []string
	for {
		rec, err := c.Next()
		if err == io.EOF && j.Pending() > 0 {
			if err := j.Flush(); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec.Op == OpAddX {
			got = append(got, string(rec.Data))
		}
	}
	if !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("cursor read %v across the rotation", got)
	}
}
