//go:build crash

package main

import (
	"testing"
	"time"
)

// TestCrashShort is the harness at a few kills per setting, for
// `go test -tags=crash ./bench/crash/`; `go run ./bench/crash --kills 50`
// is the full run.
func TestCrashShort(t *testing.T) {
	dir := t.TempDir()
	binary, err := buildServer(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []struct {
		name string
		env  []string
	}{
		{"defaults", nil},
		{"read-behind", []string{"KESTREL_DEFAULT__MAX_MEMORY_SIZE=4KB"}},
		{"sync_journal=0s", []string{"KESTREL_DEFAULT__SYNC_JOURNAL=0s"}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			opts := options{
				kills: 8, writers: 2, readers: 4, minUp: 50 * time.Millisecond, maxUp: 500 * time.Millisecond,
				abandon: 0.02, maxItem: 2000, seed: uint64(time.Now().UnixNano()), env: mode.env,
				binary: binary, dir: t.TempDir(),
			}
			res, err := run(opts)
			t.Logf("seed %d: %+v", opts.seed, res)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Pass() {
				t.Fatalf("lost %d, phantom %d, unexpected duplicates %d: %v", res.Lost, res.Phantom, res.DupUnexpected, res.examples)
			}
		})
	}
}
