package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// startRemote runs a server whose remote API is on a free port, and
// returns its host:port.
func startRemote(t *testing.T) (*process, string) {
	t.Helper()
	port := freePort(t)
	p := startProcess(t, nil, "--queue-path="+t.TempDir(),
		fmt.Sprintf("--memcache-port=%d", freePort(t)), fmt.Sprintf("--remote-port=%d", port))
	return p, fmt.Sprintf("127.0.0.1:%d", port)
}

// kestrel runs the binary as a client command and returns what it wrote
// and its exit status.
func kestrel(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	// The race-enabled binary would pause a second at exit for reports.
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), errOut.String(), exit.ExitCode()
	}
	if err != nil {
		t.Fatalf("run kestrel %v: %v", args, err)
	}
	return out.String(), errOut.String(), 0
}

// mustKestrel is kestrel for a command that must succeed.
func mustKestrel(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errOut, code := kestrel(t, stdin, args...)
	if code != 0 {
		t.Fatalf("kestrel %v: exit %d\n%s", args, code, errOut)
	}
	return out
}

func TestCLIPutThenGetPrintsTheItems(t *testing.T) {
	p, addr := startRemote(t)
	mustKestrel(t, "", "put", "q", "a", "b", "c", "--servers", addr)
	// Flags before the arguments, and before the command, work too.
	if out := mustKestrel(t, "", "--servers", addr, "get", "-n", "3", "q"); out != "a\nb\nc\n" {
		t.Fatalf("get -n 3 printed %q, want a, b, c", out)
	}
	if !strings.Contains(p.logs.String(), "remote listening") || !strings.Contains(p.logs.String(), "addr="+addr) {
		t.Fatalf("no remote listener line with the real address in the log:\n%s", p.logs)
	}
}

func TestCLIPutReadsLinesFromStdin(t *testing.T) {
	_, addr := startRemote(t)
	mustKestrel(t, "one\ntwo words\r\nthree\n", "put", "lines", "--servers="+addr)
	if out := mustKestrel(t, "", "get", "lines", "-n", "10", "--servers="+addr); out != "one\ntwo words\nthree\n" {
		t.Fatalf("get printed %q", out)
	}
}

func TestCLIRemoteBindsListenAddress(t *testing.T) {
	_, addr := startRemote(t) // listen_address 127.0.0.1
	other := strings.Replace(addr, "127.0.0.1", "127.0.0.2", 1)
	if c, err := net.Dial("tcp", other); err == nil {
		c.Close()
		t.Fatalf("the remote port answers on %s too: not bound to listen_address alone", other)
	}
	mustKestrel(t, "", "put", "q", "x", "--servers", addr)
	if out := mustKestrel(t, "", "peek", "q", "--servers", addr); !strings.Contains(out, "items: 1") || !strings.Contains(out, "head_item: x") {
		t.Fatalf("peek printed:\n%s", out)
	}
	if out := mustKestrel(t, "", "stats", "--servers", addr); !strings.Contains(out, "queue_q_items: 1") {
		t.Fatalf("stats printed:\n%s", out)
	}
}

func TestCLIOpenReadOfKilledClientIsServedAgain(t *testing.T) {
	_, addr := startRemote(t)
	mustKestrel(t, "", "put", "held", "precious", "--servers", addr)
	holder := exec.Command(binary, "get", "held", "--open", "--servers", addr)
	keepOpen, err := holder.StdinPipe() // confirm only when this closes
	if err != nil {
		t.Fatal(err)
	}
	defer keepOpen.Close()
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	id, item, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
	if err != nil || !ok || id == "" || item != "precious" {
		_ = holder.Process.Kill()
		t.Fatalf("get --open printed %q, %v; want <id>\\tprecious", line, err)
	}
	if got := mustKestrel(t, "", "get", "held", "--servers", addr); got != "" {
		t.Fatalf("the open item was served meanwhile: %q", got)
	}
	_ = holder.Process.Kill()
	_ = holder.Wait()
	if got := mustKestrel(t, "", "get", "held", "--timeout", "20s", "--servers", addr); got != "precious\n" {
		t.Fatalf("after the kill, get printed %q", got)
	}
}

func TestCLIOpenReadIsConfirmedWhenStdinCloses(t *testing.T) {
	_, addr := startRemote(t)
	mustKestrel(t, "", "put", "done", "job", "--servers", addr)
	if out := mustKestrel(t, "", "get", "done", "--open", "--servers", addr); !strings.HasSuffix(out, "\tjob\n") {
		t.Fatalf("get --open printed %q", out)
	}
	if got := mustKestrel(t, "", "get", "done", "--timeout", "300ms", "--servers", addr); got != "" {
		t.Fatalf("the confirmed item came back: %q", got)
	}
}

func TestCLIErrorsGoToStderrWithNonZeroExit(t *testing.T) {
	_, addr := startRemote(t)
	for _, args := range [][]string{
		{"gett", "q"},
		{"get", "--servers", addr},
		{"get", "bad/name", "--servers", addr},
		{"get", "q", "-n", "0", "--servers", addr},
		{"put", "q", "x", "--servers", fmt.Sprintf("127.0.0.1:%d", freePort(t))},
		{"peek", "q", "--no-such-flag"},
	} {
		out, errOut, code := kestrel(t, "", args...)
		if code == 0 || out != "" || !strings.HasPrefix(errOut, "kestrel: ") {
			t.Errorf("kestrel %v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

func TestCLIHelp(t *testing.T) {
	out := mustKestrel(t, "", "--help")
	for _, cmd := range []string{"serve", "put <queue>", "get <queue>", "peek <queue>", "stats", "--servers"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("kestrel --help does not mention %q:\n%s", cmd, out)
		}
	}
	_, errOut, code := kestrel(t, "", "get", "--help")
	if code != 0 || !strings.Contains(errOut, "--open") || !strings.Contains(errOut, "--timeout") {
		t.Errorf("kestrel get --help: exit %d\n%s", code, errOut)
	}
}

func TestCLIGetWaitsForAnItem(t *testing.T) {
	_, addr := startRemote(t)
	start := time.Now()
	if out := mustKestrel(t, "", "get", "empty", "--timeout", "300ms", "--servers", addr); out != "" {
		t.Fatalf("get from an empty queue printed %q", out)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Fatalf("get --timeout 300ms returned after %s", waited)
	}
}
