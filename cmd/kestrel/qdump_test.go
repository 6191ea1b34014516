package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kestrel-go/kestrel/persistence"
)

func TestQdumpListsOperationsWithOffsets(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q")
	var buf []byte
	for _, r := range []persistence.Record{
		{Op: persistence.OpSaveXid, Xid: 4},
		{Op: persistence.OpAddX, AddTime: 1, Data: []byte("hello")},
		{Op: persistence.OpAddX, AddTime: 1, Data: []byte("hi")},
		{Op: persistence.OpRemoveTentativeXid, Xid: 5},
		{Op: persistence.OpUnremove, Xid: 5},
		{Op: persistence.OpRemove},
		{Op: persistence.OpRemoveTentativeXid, Xid: 6},
		{Op: persistence.OpConfirmRemove, Xid: 6},
	} {
		buf = persistence.AppendRecord(buf, r)
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := qdump([]string{path}, &out); err != nil {
		t.Fatal(err)
	}
	want := `00000000  XID 4
00000005  ADD 5     
0000001f  ADD 2     
00000036  RSV 5
0000003b  CAN 5
00000040  REM
00000041  RSV 6
00000046  ACK 6
Journal size: 75 bytes, with 8 operations.
0 items totalling 0 bytes.
`
	if out.String() != want {
		t.Fatalf("qdump printed:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestQpackShrinksAJournalToItsState(t *testing.T) {
	dir := t.TempDir()
	var buf []byte
	for i := 0; i < 100; i++ {
		buf = persistence.AppendRecord(buf, persistence.Record{Op: persistence.OpAddX, AddTime: 1, Data: []byte(strings.Repeat("x", 100))})
		buf = persistence.AppendRecord(buf, persistence.Record{Op: persistence.OpRemove})
	}
	buf = persistence.AppendRecord(buf, persistence.Record{Op: persistence.OpAddX, AddTime: 1, Data: []byte("kept")})
	if err := os.WriteFile(filepath.Join(dir, "q"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := qpack([]string{dir, "q"}, &out); err != nil {
		t.Fatal(err)
	}
	var dump strings.Builder
	if err := qdump([]string{filepath.Join(dir, "q")}, &dump); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dump.String(), "1 items totalling 4 bytes.") || len(buf) <= int(filesSize(dir, "q")) {
		t.Fatalf("after qpack (%s):\n%s", out.String(), dump.String())
	}
	if err := qpack([]string{dir, "nosuch"}, &out); err == nil {
		t.Fatal("qpack of a queue without a journal succeeded")
	}
}

func TestQdumpRunsFromTheCommandLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q")
	rec := persistence.AppendRecord(nil, persistence.Record{Op: persistence.OpAddX, AddTime: 1, Data: []byte("x")})
	if err := os.WriteFile(path, rec, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(binary, "qdump", path).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "00000000  ADD 1") || !strings.Contains(string(out), "1 items totalling 1 bytes.") {
		t.Fatalf("kestrel qdump: %v\n%s", err, out)
	}
}
