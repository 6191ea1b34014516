package kload

import (
	"os"
	"strings"
	"testing"
)

// TestAgainstServer runs put-many, flood and packing against a real server
// named by KLOAD_SERVER (host:port), e.g.
// KLOAD_SERVER=localhost:22133 go test ./bench/...
func TestAgainstServer(t *testing.T) {
	addr := os.Getenv("KLOAD_SERVER")
	if addr == "" {
		t.Skip("KLOAD_SERVER not set: no server to load")
	}
	c := DefaultCommon()
	c.Server = addr

	t.Run("put-many", func(t *testing.T) {
		p := NewPutMany()
		// Flushed first so repeated runs don't pile items up on the server.
		p.Items, p.Clients, p.Queue, p.Flush = 2000, 10, "kload_put_many", true
		res, report := runTest(t, p, c)
		t.Log("\n" + report)
		wantNoErrors(t, res, report)
		if res.Ops != 2000 {
			t.Errorf("ops = %d, want 2000", res.Ops)
		}
	})
	t.Run("flood", func(t *testing.T) {
		f := NewFlood()
		f.Items, f.Queue = 2000, "kload_flood"
		res, report := runTest(t, f, c)
		t.Log("\n" + report)
		wantNoErrors(t, res, report)
		if res.Ops != 2000 {
			t.Errorf("ops = %d, want 2000", res.Ops)
		}
	})
	t.Run("packing", func(t *testing.T) {
		p := NewPacking()
		p.Items, p.Cycles, p.Pause, p.Queue = 500, 3, 0, "kload_packing"
		res, report := runTest(t, p, c)
		t.Log("\n" + report)
		wantNoErrors(t, res, report)
		if res.Ops != 2000 {
			t.Errorf("ops = %d, want 2000", res.Ops)
		}
	})
}

func TestRegistry(t *testing.T) {
	var names []string
	for _, e := range Tests() {
		names = append(names, e.Name)
		if e.Summary == "" || e.New() == nil {
			t.Errorf("%s: incomplete entry", e.Name)
		}
	}
	if strings.Join(names, " ") != "flood packing put-many remote-flood remote-put-many" {
		t.Errorf("tests = %v, want flood, packing, put-many, remote-flood and remote-put-many in order", names)
	}
	if _, ok := Lookup("put-many"); !ok {
		t.Error("put-many not found")
	}
}
