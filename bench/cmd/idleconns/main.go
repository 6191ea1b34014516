// Command idleconns measures what idle client connections cost a kestrel
// server: it reads the server's resident memory (VmRSS of --pid), opens
// -n connections that each send one request (version) and read the reply,
// so the server has set each one up fully, then reads the memory again
// while all of them sit idle, and prints
//
//	RESULT connections=10000 rss_before_kib=.. rss_after_kib=.. per_conn_bytes=..
package main

import (
	"bufio"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	n := flag.Int("n", 10000, "connections to open")
	addr := flag.String("server", "127.0.0.1:22133", "memcache address")
	pid := flag.Int("pid", 0, "process id of the server, whose VmRSS is read")
	useTLS := flag.Bool("tls", false, "connect with TLS (the certificate is not checked)")
	flag.Parse()
	if err := measure(*n, *addr, *pid, *useTLS); err != nil {
		fmt.Fprintln(os.Stderr, "idleconns:", err)
		os.Exit(1)
	}
}

func measure(n int, addr string, pid int, useTLS bool) error {
	before, err := rss(pid)
	if err != nil {
		return err
	}
	conns, err := openAll(n, addr, useTLS)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	if err != nil {
		return err
	}
	// Let the server's goroutines settle after the burst of connections.
	time.Sleep(2 * time.Second)
	after, err := rss(pid)
	if err != nil {
		return err
	}
	fmt.Printf("RESULT connections=%d tls=%v rss_before_kib=%d rss_after_kib=%d per_conn_bytes=%d\n",
		n, useTLS, before, after, (after-before)*1024/int64(n))
	return nil
}

// openAll connects n clients, a few hundred at a time so the listen
// backlog does not overflow, each asking for the version once.
func openAll(n int, addr string, useTLS bool) ([]net.Conn, error) {
	conns := make([]net.Conn, n)
	errs := make([]error, n)
	sem := make(chan struct{}, 200)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			conns[i], errs[i] = open(addr, useTLS)
		})
	}
	wg.Wait()
	var open []net.Conn
	for _, c := range conns {
		if c != nil {
			open = append(open, c)
		}
	}
	return open, errors.Join(errs...)
}

func open(addr string, useTLS bool) (net.Conn, error) {
	d := &net.Dialer{Timeout: 10 * time.Second}
	var c net.Conn
	var err error
	if useTLS {
		c, err = tls.DialWithDialer(d, "tcp", addr, &tls.Config{InsecureSkipVerify: true})
	} else {
		c, err = d.Dial("tcp", addr)
	}
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := c.Write([]byte("version\r\n")); err != nil {
		c.Close()
		return nil, err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "VERSION ") {
		c.Close()
		return nil, fmt.Errorf("version: %q %v", line, err)
	}
	_ = c.SetDeadline(time.Time{})
	return c, nil
}

// rss reads VmRSS of pid, in KiB.
func rss(pid int) (int64, error) {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}
