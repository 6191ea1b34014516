package text_test

import (
	"testing"

	"github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
	"github.com/kestrel-go/kestrel/protocol/text/texttest"
)

func withUsers(t *testing.T) *texttest.Server {
	t.Helper()
	cfg := memcachetest.Config(t)
	cfg.AuthUsers = memcachetest.Users()
	return texttest.Start(t, cfg)
}

// Before authenticating, and on a wrong password, the server answers and
// hangs up.
func TestTextAuthRefusalsClose(t *testing.T) {
	srv := withUsers(t)
	for req, want := range map[string]string{
		"peek work":       "-authentication required",
		"auth app ops-pw": "-authentication failed",
	} {
		c := texttest.Dial(t, srv.Addr)
		if got := c.Do(req); got != want {
			t.Fatalf("%s: %q, want %q", req, got, want)
		}
		c.ExpectClosed()
	}
}

func TestTextUserMayNotShutDownButAdminMay(t *testing.T) {
	srv := withUsers(t)
	c := texttest.Dial(t, srv.Addr)
	mustDo(t, c, "auth app app-pw", "+0")
	c.MustPut("work", "hello")
	mustDo(t, c, "get work", ":hello")
	mustDo(t, c, "shutdown", "-shutdown needs an admin user")
	mustDo(t, c, "status quiescent", "-status needs an admin user")
	mustDo(t, c, "status", ":UP")
	select {
	case <-srv.Shutdowns:
		t.Fatal("a user shut the server down")
	default:
	}
	admin := texttest.Dial(t, srv.Addr)
	mustDo(t, admin, "auth ops ops-pw", "+0")
	mustDo(t, admin, "shutdown", "+0")
	<-srv.Shutdowns
}

func mustDo(t *testing.T, c *texttest.Client, req, want string) {
	t.Helper()
	if got := c.Do(req); got != want {
		t.Fatalf("%s: %q, want %q", req, got, want)
	}
}
