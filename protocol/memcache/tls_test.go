package memcache_test

import (
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"

	"github.com/kestrel-go/kestrel/internal/testcert"
	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

// startTLS runs a server speaking TLS with a fresh certificate, and
// returns a client configuration that trusts it.
func startTLS(t *testing.T) (*mt.Server, *tls.Config) {
	t.Helper()
	pair := testcert.Write(t)
	cert, err := tls.LoadX509KeyPair(pair.CertFile, pair.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := mt.Config(t)
	cfg.TLSCertificate = &cert
	return mt.StartTLS(t, cfg), &tls.Config{RootCAs: pair.Roots, ServerName: "127.0.0.1"}
}

func TestTLSClient(t *testing.T) {
	srv, clientTLS := startTLS(t)
	c := mt.DialTLS(t, srv.Addr, clientTLS)
	c.MustSet("work", "over tls")
	c.Write("get work/open\r\n")
	if data, ok := c.ReadValue("work/open"); !ok || string(data) != "over tls" {
		t.Fatalf("open read: %q %v", data, ok)
	}
	mustDo(t, c, "get work/close", "END")
	c.MustBeEmpty("work")
	if state := c.Conn().(*tls.Conn).ConnectionState(); !state.HandshakeComplete || state.Version < tls.VersionTLS12 {
		t.Fatalf("connection state %+v", state)
	}
}

// A request pipelined behind a waiting get is read off the TLS connection
// by the hang-up watch; it must still be answered, in order.
func TestTLSRequestPipelinedBehindAWait(t *testing.T) {
	srv, clientTLS := startTLS(t)
	c := mt.DialTLS(t, srv.Addr, clientTLS)
	c.Write("get slow/t=300\r\n")
	waitFor(t, "waiter parked", func() bool { return waiters(t, srv, "slow") == "1" })
	c.Write("version\r\n")
	c.Expect("END")
	if line := c.Line(); len(line) < 8 || line[:8] != "VERSION " {
		t.Fatalf("after the wait: %q, want VERSION", line)
	}
}

func TestTLSWaiterThatHangsUpLeavesItemQueued(t *testing.T) {
	srv, clientTLS := startTLS(t)
	reader := mt.DialTLS(t, srv.Addr, clientTLS)
	reader.Write("get gone/t=30000\r\n")
	waitFor(t, "waiter parked", func() bool { return waiters(t, srv, "gone") == "1" })
	reader.Close()
	waitFor(t, "waiter withdrawn", func() bool { return waiters(t, srv, "gone") == "0" })
	c := mt.DialTLS(t, srv.Addr, clientTLS)
	c.MustSet("gone", "kept")
	c.MustGet("gone", "kept")
}

func TestPlainClientOnATLSPortIsClosed(t *testing.T) {
	srv, _ := startTLS(t)
	conn, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "version\r\n")
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	reply, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	// A TLS alert at most, never a memcache reply.
	if len(reply) > 0 && reply[0] != 0x15 {
		t.Fatalf("a plain client got %q", reply)
	}
}

func waiters(t *testing.T, srv *mt.Server, queue string) string {
	t.Helper()
	for _, q := range srv.Queues.Report().Queues {
		if q.Name == queue {
			for _, s := range q.Stats {
				if s.Name == "waiters" {
					return s.Value
				}
			}
		}
	}
	return ""
}
