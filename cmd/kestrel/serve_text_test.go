package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

func TestTextProtocolServedUntilItsShutdown(t *testing.T) {
	textPort := freePort(t)
	p := startProcess(t, nil, "--queue-path="+t.TempDir(),
		fmt.Sprintf("--memcache-port=%d", freePort(t)), fmt.Sprintf("--text-port=%d", textPort))
	addr := fmt.Sprintf("127.0.0.1:%d", textPort)
	if logs := p.logs.String(); !strings.Contains(logs, "text listening") || !strings.Contains(logs, addr) {
		t.Fatalf("no text listener line with the real address in the log:\n%s", logs)
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "put q:\nx\n\nget q\nshutdown\n")
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	for _, want := range []string{"+1\n", ":x\n", "+0\n"} {
		if got, err := r.ReadString('\n'); got != want {
			t.Fatalf("reply %q (%v), want %q", got, err, want)
		}
	}
	if err := <-p.done; err != nil {
		t.Fatalf("exit after shutdown: %v\n%s", err, p.logs)
	}
	p.done <- nil
}
