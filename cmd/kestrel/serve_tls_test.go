package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/internal/testcert"
)

// TestTLSAndAuthWithRealClients runs the binary with tls_cert_file,
// tls_key_file and auth_users set from the environment, and speaks to
// every listener with crypto/tls clients.
func TestTLSAndAuthWithRealClients(t *testing.T) {
	pair := testcert.Write(t)
	mcPort, textPort, adminPort := freePort(t), freePort(t), freePort(t)
	env := []string{
		"KESTREL_AUTH_USERS__ops__PASSWORD=ops-pw",
		"KESTREL_AUTH_USERS__ops__ADMIN=true",
		"KESTREL_AUTH_USERS__app__PASSWORD=app-pw",
	}
	p := startProcess(t, env, "--queue-path="+t.TempDir(), fmt.Sprintf("--memcache-port=%d", mcPort),
		fmt.Sprintf("--text-port=%d", textPort), fmt.Sprintf("--admin-port=%d", adminPort),
		"--tls-cert-file="+pair.CertFile, "--tls-key-file="+pair.KeyFile)
	clientTLS := &tls.Config{RootCAs: pair.Roots, ServerName: "127.0.0.1"}

	app := dialLines(t, p.addr, clientTLS)
	app.expect("auth app app-pw", "OK")
	app.expect("set work 0 0 5\r\nhello", "STORED")
	app.expect("get work", "VALUE work 0 5", "hello", "END")
	app.expect("shutdown", "CLIENT_ERROR shutdown needs an admin user")

	wrong := dialLines(t, p.addr, clientTLS)
	wrong.expect("auth app nope", "CLIENT_ERROR authentication failed")
	wrong.expectClosed()
	anonymous := dialLines(t, p.addr, clientTLS)
	anonymous.expect("get work", "CLIENT_ERROR authentication required")
	anonymous.expectClosed()

	text := dialLines(t, fmt.Sprintf("127.0.0.1:%d", textPort), clientTLS)
	text.expect("auth app app-pw", "+0")
	text.expect("put q:\nx\n", "+1")
	text.expect("get q", ":x")
	text.expect("shutdown", "-shutdown needs an admin user")

	https := &http.Client{Transport: &http.Transport{TLSClientConfig: clientTLS}, Timeout: 10 * time.Second}
	resp, err := https.Get(fmt.Sprintf("https://127.0.0.1:%d/healthz", adminPort))
	if err != nil {
		t.Fatalf("admin over TLS: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "UP" {
		t.Fatalf("/healthz over TLS: %d %q", resp.StatusCode, body)
	}

	admin := dialLines(t, p.addr, clientTLS)
	admin.expect("auth ops ops-pw", "OK")
	admin.send("shutdown")
	admin.expectClosed()
	if err := <-p.done; err != nil {
		t.Fatalf("exit after an admin's shutdown: %v\n%s", err, p.logs)
	}
	p.done <- nil
}

// lines is a TLS connection to a line protocol (memcache or text).
type lines struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dialLines(t *testing.T, addr string, cfg *tls.Config) *lines {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		t.Fatalf("TLS dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return &lines{t: t, c: c, r: bufio.NewReader(c)}
}

func (l *lines) send(req string) {
	l.t.Helper()
	if _, err := io.WriteString(l.c, req+"\r\n"); err != nil {
		l.t.Fatalf("send %q: %v", req, err)
	}
}

// expect sends req and reads one reply line per want.
func (l *lines) expect(req string, want ...string) {
	l.t.Helper()
	l.send(req)
	_ = l.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for _, w := range want {
		got, err := l.r.ReadString('\n')
		if got = strings.TrimRight(got, "\r\n"); got != w {
			l.t.Fatalf("%q: reply %q (%v), want %q", req, got, err, w)
		}
	}
}

func (l *lines) expectClosed() {
	l.t.Helper()
	_ = l.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if line, err := l.r.ReadString('\n'); err == nil {
		l.t.Fatalf("connection still open: read %q", line)
	}
}
