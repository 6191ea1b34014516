package memcache_test

import (
	"strings"
	"testing"
	"time"

	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

func TestReadOnlyRefusesChangesAndSurvivesRestart(t *testing.T) {
	cfg := mt.Config(t)
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("q", "before")
	if got := c.Do("status read_only"); got != "END" {
		t.Fatalf("status read_only: %q", got)
	}
	if got := c.Do("status"); got != "READONLY" {
		t.Fatalf("status: %q", got)
	}
	if got := c.Set("q", []byte("refused")); got != "SERVER_ERROR READONLY" {
		t.Fatalf("set while read_only: %q", got)
	}
	for _, cmd := range []string{"delete q", "flush q", "flush_all"} {
		if got := c.Do(cmd); got != "SERVER_ERROR READONLY" {
			t.Errorf("%s while read_only: %q", cmd, got)
		}
	}
	srv.Stop()

	srv = mt.Start(t, cfg)
	c = mt.Dial(t, srv.Addr)
	if got := c.Do("status"); got != "READONLY" {
		t.Fatalf("status after restart: %q", got)
	}
	c.MustGet("q", "before") // reads still served
	if got := c.Do("status UP"); got != "END" {
		t.Fatalf("status UP: %q", got)
	}
	c.MustSet("q", "after")
}

func TestQuiescentRefusesReadsButConfirmsOpenOnes(t *testing.T) {
	srv, c := start(t)
	c.MustSet("q", "held")
	c.MustSet("q", "left")
	c.MustGet("q/open", "held")
	admin := mt.Dial(t, srv.Addr)
	if got := admin.Do("status quiescent"); got != "END" {
		t.Fatalf("status quiescent: %q", got)
	}
	if got := admin.Do("get q"); got != "SERVER_ERROR QUIESCENT" {
		t.Fatalf("get while quiescent: %q", got)
	}
	if got := c.Do("get q/close"); got != "END" {
		t.Fatalf("close while quiescent: %q", got)
	}
	admin.Do("status up")
	c.MustGet("q", "left")
	c.MustBeEmpty("q")
}

func TestStricterStatusWaitsForGracePeriod(t *testing.T) {
	cfg := mt.Config(t)
	cfg.StatusChangeGracePeriod = 300 * time.Millisecond
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	began := time.Now()
	c.Do("status read_only")
	if got := c.Set("q", []byte("x")); got != "STORED" && time.Since(began) < 300*time.Millisecond {
		t.Fatalf("set within the grace period: %q", got)
	}
	waitFor(t, "read_only to apply", func() bool { return c.Set("q", []byte("x")) == "SERVER_ERROR READONLY" })
	if time.Since(began) < 300*time.Millisecond {
		t.Fatal("read_only applied before the grace period ended")
	}
}

func TestBadStatusIsClientError(t *testing.T) {
	_, c := start(t)
	if got := c.Do("status sideways"); !strings.HasPrefix(got, "CLIENT_ERROR") {
		t.Fatalf("status sideways: %q", got)
	}
	c.ExpectClosed()
}

func TestDefaultStatusAppliesWithoutStatusFile(t *testing.T) {
	cfg := mt.Config(t)
	cfg.DefaultStatus = "quiescent"
	srv := mt.Start(t, cfg)
	c := mt.Dial(t, srv.Addr)
	if got := c.Do("status"); got != "QUIESCENT" {
		t.Fatalf("status with default_status quiescent: %q", got)
	}
	if got := c.Set("q", []byte("x")); got != "SERVER_ERROR QUIESCENT" {
		t.Fatalf("set while quiescent: %q", got)
	}
}
