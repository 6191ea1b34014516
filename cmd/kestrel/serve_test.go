package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStartsWithEmbeddedDefaults(t *testing.T) {
	for _, port := range []string{"22133", "2222", "2223", "2229"} { // memcache, text, admin, remote
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			t.Skip("port " + port + " is taken on this machine")
		}
	}
	dir := t.TempDir()
	p := &process{cmd: exec.Command(binary), logs: &logBuffer{}, done: make(chan error, 1), addr: "127.0.0.1:22133"}
	p.cmd.Dir = dir
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(p.kill)
	waitUntil(t, func() bool {
		c, err := net.Dial("tcp", p.addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	c := dial(t, p.addr)
	if err := c.set("hello", "world"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "kestrel-data", "hello")); err != nil {
		t.Fatalf("journal not under ./kestrel-data: %v", err)
	}
	if !strings.Contains(p.logs.String(), "127.0.0.1:22133") {
		t.Errorf("no listener line with the real address in the log:\n%s", p.logs)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.logs)
	}
	p.done <- nil
}

func TestShutdownCommandExitsCleanly(t *testing.T) {
	port := freePort(t)
	p := startProcess(t, nil, "--queue-path="+t.TempDir(), fmt.Sprintf("--memcache-port=%d", port))
	c := dial(t, p.addr)
	fmt.Fprintf(c.conn, "shutdown\r\n")
	if err := <-p.done; err != nil {
		t.Fatalf("exit after shutdown: %v\n%s", err, p.logs)
	}
	p.done <- nil
}

func TestConfigMistakeStopsStartNamingKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kestrel.yaml")
	for key, yaml := range map[string]string{
		"max_itmes":       "default:\n  max_itmes: 3\n",
		"max_memory_size": "default:\n  max_memory_size: lots\n",
		"client_timeout":  "client_timeout: 5\n",
		"memcache_port":   "memcache_port: 99999\n",
		"KESTREL_BOGUS":   "",
	} {
		if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		// A config that wrongly passes would serve forever: bound the wait.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, binary, "--config", path, "--queue-path", dir)
		if key == "KESTREL_BOGUS" {
			cmd.Env = append(os.Environ(), "KESTREL_BOGUS=1")
		}
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Errorf("%s: server started with a bad config", key)
			continue
		}
		if !strings.Contains(string(out), strings.TrimPrefix(key, "KESTREL_")) && !strings.Contains(string(out), key) {
			t.Errorf("%s: message does not name the key: %s", key, out)
		}
	}
}
