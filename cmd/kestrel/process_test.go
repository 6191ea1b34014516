package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The tests in this package run the real binary as a subprocess.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kestrel-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "kestrel")
	build := exec.Command("go", "build", "-race", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build kestrel:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// process is a kestrel subprocess.
type process struct {
	cmd  *exec.Cmd
	addr string
	logs *logBuffer
	done chan error
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startProcess runs kestrel with args and env and waits until it accepts
// connections. The text, admin and remote ports are off unless args open
// them, so that tests do not contend for the default ports.
func startProcess(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	args = append([]string{"--text-port=0", "--admin-port=0", "--remote-port=0"}, args...)
	p := &process{cmd: exec.Command(binary, args...), logs: &logBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { p.kill() })
	for _, a := range args {
		if strings.HasPrefix(a, "--memcache-port=") {
			p.addr = "127.0.0.1:" + strings.TrimPrefix(a, "--memcache-port=")
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", p.addr)
		if err == nil {
			c.Close()
			return p
		}
		select {
		case err := <-p.done:
			t.Fatalf("kestrel exited at start: %v\n%s", err, p.logs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("kestrel did not listen on %s:\n%s", p.addr, p.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL: no flush, no close, nothing.
func (p *process) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
		p.done <- nil
	}
}

// client is a bare memcache connection for subprocess tests.
type client struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{t: t, conn: c, r: bufio.NewReader(c)}
}

// set returns nil once the server answered STORED.
func (c *client) set(queue, data string) error {
	if _, err := fmt.Fprintf(c.conn, "set %s 0 0 %d\r\n%s\r\n", queue, len(data), data); err != nil {
		return err
	}
	line, err := c.r.ReadString('\n')
	if err != nil {
		return err
	}
	if line != "STORED\r\n" {
		return fmt.Errorf("set: %q", line)
	}
	return nil
}

// get returns the item, "" with ok false on END.
func (c *client) get(key string) (string, bool, error) {
	if _, err := fmt.Fprintf(c.conn, "get %s\r\n", key); err != nil {
		return "", false, err
	}
	line, err := c.r.ReadString('\n')
	if err != nil || line == "END\r\n" {
		return "", false, err
	}
	var k string
	var flags, n int
	if _, err := fmt.Sscanf(line, "VALUE %s %d %d", &k, &flags, &n); err != nil {
		return "", false, fmt.Errorf("get reply %q", line)
	}
	buf := make([]byte, n+2)
	if _, err := ioReadFull(c.r, buf); err != nil {
		return "", false, err
	}
	if end, err := c.r.ReadString('\n'); err != nil || end != "END\r\n" {
		return "", false, fmt.Errorf("no END after item: %q %v", end, err)
	}
	return string(buf[:n]), true, nil
}

// logBuffer collects a subprocess's output; tests read it while it runs.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
