package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// server is the kestrel subprocess, started over and over on the same
// journals and port. gen counts starts; killed is the last gen killed,
// set before the signal, so a client whose connection fails can tell a
// kill from a fault.
type server struct {
	binary, dir, addr string
	env               []string
	log               *os.File
	cmd               *exec.Cmd
	exited            chan error
	gen, killed       atomic.Int64
}

// buildServer compiles cmd/kestrel into dir.
func buildServer(dir string, race bool) (string, error) {
	bin := filepath.Join(dir, "kestrel")
	args := []string{"build", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "github.com/kestrel-go/kestrel/cmd/kestrel")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("build kestrel: %w", err)
	}
	return bin, nil
}

func newServer(binary, dir string, env []string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(dir, "kestrel.log"))
	if err != nil {
		return nil, err
	}
	return &server{binary: binary, dir: dir, env: env, log: log, addr: "127.0.0.1:" + strconv.Itoa(port)}, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// start runs the server and waits until it accepts connections.
func (s *server) start() error {
	_, port, _ := net.SplitHostPort(s.addr)
	s.cmd = exec.Command(s.binary, "--queue-path="+filepath.Join(s.dir, "queues"), "--memcache-port="+port,
		"--text-port=0", "--admin-port=0", "--remote-port=0")
	s.cmd.Env = append(os.Environ(), s.env...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.exited = make(chan error, 1)
	go func() { s.exited <- s.cmd.Wait() }()
	s.gen.Add(1)
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case err := <-s.exited:
			return fmt.Errorf("kestrel exited at start: %v (log: %s)", err, s.log.Name())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("kestrel did not listen on %s within a minute (log: %s)", s.addr, s.log.Name())
		}
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() error {
	s.killed.Store(s.gen.Load())
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	err := <-s.exited
	var exit *exec.ExitError
	if errors.As(err, &exit) && !exit.Exited() {
		return nil // killed by the signal, as meant
	}
	return fmt.Errorf("kestrel had already exited: %v (log: %s)", err, s.log.Name())
}

// stop ends the server cleanly (SIGTERM) at the end of a run.
func (s *server) stop() error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case err := <-s.exited:
		return err
	case <-time.After(60 * time.Second):
		_ = s.cmd.Process.Kill()
		return errors.New("kestrel did not stop within a minute of SIGTERM")
	}
}

// killedSince says whether the server of generation gen has been killed.
func (s *server) killedSince(gen int64) bool { return s.killed.Load() >= gen }
