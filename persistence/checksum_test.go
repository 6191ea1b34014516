package persistence

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"
)

func writeBatches(t *testing.T, dir string, batches ...[]Record) *Journal {
	t.Helper()
	j := openTest(t, dir, "q", Options{})
	replayAll(t, j)
	for _, b := range batches {
		for _, r := range b {
			j.Append(r)
		}
		if err := j.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	return j
}

func TestBatchWithBadChecksumStopsReplay(t *testing.T) {
	dir := t.TempDir()
	j := writeBatches(t, dir, []Record{addx("one", 1)}, []Record{addx("two", 2), addx("three", 3)}, []Record{addx("four", 4)})
	data := readFile(t, j.Path())
	second := len(flushed(addx("one", 1)))
	data[second+22] ^= 0xff // a flipped byte inside "two"
	writeFile(t, j.Path(), data)

	got, rep := replayAll(t, openTest(t, dir, "q", Options{}))
	if d := dataOf(got); !slices.Equal(d, []string{"one"}) {
		t.Fatalf("replayed %v; only the batch before the damage may count", d)
	}
	if len(rep.Corrupt) != 1 || rep.Corrupt[0].Offset != int64(second) || rep.Corrupt[0].Reason != checksumMismatch {
		t.Fatalf("report %+v", rep)
	}
}

func TestBatchWithoutItsChecksumIsCutAsTorn(t *testing.T) {
	dir := t.TempDir()
	j := writeBatches(t, dir, []Record{addx("one", 1)}, []Record{addx("two", 2)})
	data := readFile(t, j.Path())
	writeFile(t, j.Path(), data[:len(data)-(1+checksumLen)]) // the write stopped before the checksum

	j2 := openTest(t, dir, "q", Options{})
	got, rep := replayAll(t, j2)
	if d := dataOf(got); !slices.Equal(d, []string{"one"}) || rep.TornBytes == 0 {
		t.Fatalf("replayed %v, torn %d", d, rep.TornBytes)
	}
	if size := len(readFile(t, j2.Path())); size != len(flushed(addx("one", 1))) {
		t.Fatalf("file is %d bytes after the cut", size)
	}
	kept, _ := filepath.Glob(filepath.Join(dir, "corrupt", "q.tail.*"))
	if len(kept) != 1 || !bytes.Equal(readFile(t, kept[0]), data[len(flushed(addx("one", 1))):len(data)-(1+checksumLen)]) {
		t.Fatalf("the cut bytes were not kept aside: %v", kept)
	}
}

func TestOurBatchesAfterAKestrelJournalAreChecked(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, joinPath(dir, "q"), encode(addx("kestrel", 1), Record{Op: OpRemove}, addx("old", 2)))
	writeBatches(t, dir, []Record{addx("ours", 3)})
	got, rep := replayAll(t, openTest(t, dir, "q", Options{}))
	if d := dataOf(got); !slices.Equal(d, []string{"kestrel", "old", "ours"}) || rep.Corrupt != nil {
		t.Fatalf("replayed %v, report %+v", d, rep)
	}
}
