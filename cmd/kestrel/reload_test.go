package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func writeConfig(t *testing.T, path, yaml string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
}

// command sends one line and reads reply lines up to and including a line
// that is one of the terminators.
func (c *client) command(line string, terminators ...string) []string {
	c.t.Helper()
	fmt.Fprintf(c.conn, "%s\r\n", line)
	var out []string
	for {
		l, err := c.r.ReadString('\n')
		if err != nil {
			c.t.Fatalf("%s: %v after %q", line, err, out)
		}
		l = strings.TrimSuffix(l, "\r\n")
		out = append(out, l)
		for _, end := range terminators {
			if l == end || strings.HasPrefix(l, end) {
				return out
			}
		}
	}
}

func TestReloadAppliesQueueSettingsToLiveQueues(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kestrel.yaml")
	writeConfig(t, path, "queues:\n  jobs:\n    max_items: 5\n")
	port := freePort(t)
	p := startProcess(t, nil, "--config", path, "--queue-path="+filepath.Join(dir, "data"), fmt.Sprintf("--memcache-port=%d", port))
	c := dial(t, p.addr)
	for i := 0; i < 3; i++ {
		if err := c.set("jobs", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	writeConfig(t, path, "queues:\n  jobs:\n    max_items: 2\n")
	if got := c.command("reload", "Reloaded config.", "SERVER_ERROR"); got[0] != "Reloaded config." {
		t.Fatalf("reload: %q", got)
	}
	if err := c.set("jobs", "refused"); err == nil || !strings.Contains(err.Error(), "NOT_STORED") {
		t.Fatalf("set past the reloaded max_items: %v", err)
	}
	dump := strings.Join(c.command("dump_config", "END"), "\n")
	if !strings.Contains(dump, "max_items=2") {
		t.Fatalf("dump_config does not show the new limit:\n%s", dump)
	}

	// A broken file is refused and the old config stays.
	writeConfig(t, path, "queues:\n  jobs:\n    max_itmes: 9\n")
	if got := c.command("reload", "Reloaded config.", "SERVER_ERROR"); !strings.Contains(got[0], "max_itmes") {
		t.Fatalf("reload of a bad file: %q", got)
	}

	// SIGHUP reloads too.
	writeConfig(t, path, "queues:\n  jobs:\n    max_items: 10\n")
	_ = p.cmd.Process.Signal(syscall.SIGHUP)
	waitUntil(t, func() bool { return c.set("jobs", "after-hup") == nil })
	for _, want := range []string{"0", "1", "2", "after-hup"} {
		got, ok, err := c.get("jobs")
		if err != nil || !ok || got != want {
			t.Fatalf("get = %q %v %v, want %q (items must survive reloads)", got, ok, err, want)
		}
	}
}
