package memcache_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

// smallDisk mounts a 256 KiB tmpfs, or skips the test where mounting is
// not allowed.
func smallDisk(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small filesystem needs root")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small filesystem here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	return dir
}

// TestFullFilesystemRefusesSetsAndRecovers fills a real, small filesystem:
// sets are refused with SERVER_ERROR while it is full, nothing
// acknowledged is lost, and sets work again once space returns.
func TestFullFilesystemRefusesSetsAndRecovers(t *testing.T) {
	dir := smallDisk(t)
	filler := filepath.Join(dir, ".filler") // a dot file is never a queue
	if err := os.WriteFile(filler, make([]byte, 64<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := mt.Config(t)
	cfg.QueuePath = dir
	cfg.StatusFile = filepath.Join(t.TempDir(), "status")
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	item := bytes.Repeat([]byte("x"), 4000)
	var acked int
	for ; acked < 200; acked++ {
		reply := c.Set("full", []byte(fmt.Sprintf("%04d%s", acked, item)))
		if strings.HasPrefix(reply, "SERVER_ERROR") {
			break
		}
		if reply != "STORED" {
			t.Fatalf("set %d: %q", acked, reply)
		}
	}
	if acked == 200 {
		t.Fatal("the filesystem never filled up")
	}
	if got := c.Set("full", item); !strings.HasPrefix(got, "SERVER_ERROR") {
		t.Fatalf("set on a full filesystem: %q", got)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	c.MustSet("full", "after")
	srv.Stop()

	srv = mt.Start(t, cfg)
	c = mt.Dial(t, srv.Addr)
	for i := 0; i < acked; i++ {
		c.MustGet("full", fmt.Sprintf("%04d%s", i, item))
	}
	c.MustGet("full", "after")
	c.MustBeEmpty("full")
}
