package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestAdminPortServesHealthAndLogsAddress(t *testing.T) {
	port := freePort(t)
	adminPort := freePort(t)
	p := startProcess(t, nil, "--queue-path="+t.TempDir(), fmt.Sprintf("--memcache-port=%d", port),
		fmt.Sprintf("--admin-port=%d", adminPort))
	addr := fmt.Sprintf("127.0.0.1:%d", adminPort)
	var resp *http.Response
	waitUntil(t, func() bool {
		var err error
		resp, err = http.Get("http://" + addr + "/healthz")
		return err == nil
	})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != "UP" {
		t.Fatalf("/healthz: %d %q", resp.StatusCode, body)
	}
	if !strings.Contains(p.logs.String(), "admin listening") || !strings.Contains(p.logs.String(), addr) {
		t.Errorf("no admin listener line with the real address in the log:\n%s", p.logs)
	}
}
