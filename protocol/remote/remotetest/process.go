package remotetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/protocol/remote"
	"github.com/kestrel-go/kestrel/protocol/tracing"
)

// Servers in child processes. A test whose process also runs a client
// needs its server elsewhere: protoactor's remote must start only once per
// process (see wire.Listen). The child is the test binary itself, run
// again; its TestMain must call ServeIfChild first.

// childEnv tells a test binary to be a server for its parent (not KESTREL_:
// the server reads those as its config).
const childEnv = "REMOTETEST_SERVE"

// listeningPrefix starts the line a child prints once it serves.
const listeningPrefix = "remotetest listening on "

// ServeIfChild, in a child that Spawn started, serves until the child's
// stdin closes, then exits; elsewhere it returns at once.
func ServeIfChild() {
	if os.Getenv(childEnv) == "" {
		return
	}
	if err := serveChild(); err != nil {
		fmt.Fprintln(os.Stderr, "remotetest server:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serveChild serves with the config of its KESTREL_ environment, tracing
// as the OTEL_ environment says.
func serveChild() error {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil)) // the parent shows it on failure
	cfg, err := config.Load("", os.Environ(), nil)
	if err != nil {
		return err
	}
	stopTracing, err := tracing.Start(context.Background(), log)
	if err != nil {
		return err
	}
	queues, err := actors.Start(cfg, log)
	if err != nil {
		return err
	}
	r, err := remote.Listen(queues, net.JoinHostPort(cfg.ListenAddress, strconv.Itoa(cfg.RemotePort)), log)
	if err != nil {
		return err
	}
	fmt.Println(listeningPrefix + r.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin) // until the parent closes it, or dies
	_ = r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = queues.Shutdown(ctx)
	return errors.Join(err, stopTracing(ctx))
}

// Process is a server in a child process.
type Process struct {
	Addr   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	logs   *logs
	done   chan struct{}
	exit   error // once done is closed
	killed atomic.Bool
	once   sync.Once
}

// Spawn starts a server in a child process, journals in a temp dir, with
// extra KESTREL_ and OTEL_ settings in env ("KEY=value"), and stops it
// when the test ends.
func Spawn(t testing.TB, env ...string) *Process {
	t.Helper()
	p, err := SpawnIn(t.TempDir(), env...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("server process: %v\n%s", err, p.Logs())
		}
	})
	return p
}

// SpawnIn is Spawn without a test: journals go under dir, and the caller
// stops the server.
func SpawnIn(dir string, env ...string) (*Process, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"=1",
		// A race-enabled child would pause a second at exit for reports.
		"GORACE=atexit_sleep_ms=0",
		"KESTREL_QUEUE_PATH="+dir, "KESTREL_STATUS_FILE="+dir+"/.status",
		"KESTREL_LISTEN_ADDRESS=127.0.0.1", "KESTREL_REMOTE_PORT=0")
	cmd.Env = append(cmd.Env, env...)
	p := &Process{cmd: cmd, logs: &logs{}, done: make(chan struct{})}
	cmd.Stderr = p.logs
	out, err := cmd.StdoutPipe()
	if err == nil {
		p.stdin, err = cmd.StdinPipe()
	}
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		return nil, fmt.Errorf("start server process: %w", err)
	}
	go func() {
		p.exit = cmd.Wait()
		close(p.done)
	}()
	if p.Addr, err = waitListening(out, 30*time.Second); err != nil {
		p.Kill()
		return nil, fmt.Errorf("server process: %w\n%s", err, p.logs)
	}
	return p, nil
}

// waitListening reads the child's stdout up to its "listening" line.
func waitListening(out io.Reader, limit time.Duration) (string, error) {
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), listeningPrefix); ok {
				addr <- a
				break
			}
		}
		close(addr)
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			return "", errors.New("exited before it listened")
		}
		return a, nil
	case <-time.After(limit):
		return "", fmt.Errorf("not listening after %s", limit)
	}
}

// Stop asks the server to stop cleanly, waits for it, and says how it
// ended: an error for a server that failed (a race report makes the exit
// status non-zero) or had to be killed, nil if Kill ended it.
func (p *Process) Stop() error {
	p.once.Do(func() {
		p.stdin.Close()
		select {
		case <-p.done:
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
			<-p.done
			p.exit = errors.New("did not stop in 30s; killed")
		}
	})
	if p.killed.Load() {
		return nil
	}
	return p.exit
}

// Kill stops the server at once (SIGKILL), as a crash would.
func (p *Process) Kill() {
	p.killed.Store(true)
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Logs is what the server wrote to stderr.
func (p *Process) Logs() string { return p.logs.String() }

type logs struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *logs) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(b)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
