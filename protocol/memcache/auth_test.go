package memcache_test

import (
	"testing"

	mt "github.com/kestrel-go/kestrel/protocol/memcache/memcachetest"
)

// withUsers is a server that asks clients to authenticate.
func withUsers(t *testing.T) *mt.Server {
	t.Helper()
	cfg := mt.Config(t)
	cfg.AuthUsers = mt.Users()
	return mt.Start(t, cfg)
}

func TestAuthIsRequiredBeforeAnyCommand(t *testing.T) {
	srv := withUsers(t)
	for _, req := range []string{"get work", "version", "stats", "shutdown"} {
		c := mt.Dial(t, srv.Addr)
		if got := c.Do(req); got != "CLIENT_ERROR authentication required" {
			t.Errorf("%s before auth: %q", req, got)
		}
		c.ExpectClosed()
	}
}

func TestWrongPasswordIsRefused(t *testing.T) {
	srv := withUsers(t)
	for _, creds := range []string{"app wrong", "nobody app-pw", "app ops-pw"} {
		c := mt.Dial(t, srv.Addr)
		if got := c.Do("auth " + creds); got != "CLIENT_ERROR authentication failed" {
			t.Errorf("auth %s: %q", creds, got)
		}
		c.ExpectClosed()
	}
}

func TestUserWorksWithQueuesButNotTheServer(t *testing.T) {
	srv := withUsers(t)
	c := mt.Dial(t, srv.Addr)
	mustDo(t, c, "auth app app-pw", "OK")
	c.MustSet("work", "hello")
	c.MustGet("work", "hello")
	for _, cmd := range []string{"shutdown", "reload", "flush_all", "status read_only"} {
		name := cmd
		if name == "status read_only" {
			name = "status"
		}
		if got := c.Do(cmd); got != "CLIENT_ERROR "+name+" needs an admin user" {
			t.Errorf("%s as a user: %q", cmd, got)
		}
	}
	// Refused, still connected, and nothing happened.
	mustDo(t, c, "status", "UP")
	c.MustSet("work", "still here")
	c.MustGet("work", "still here")
	select {
	case <-srv.Shutdowns:
		t.Fatal("a user shut the server down")
	default:
	}
}

func TestAdminMayShutDown(t *testing.T) {
	srv := withUsers(t)
	c := mt.Dial(t, srv.Addr)
	mustDo(t, c, "auth ops ops-pw", "OK")
	mustDo(t, c, "status read_only", "END")
	c.Write("shutdown\r\n")
	c.ExpectClosed()
	<-srv.Shutdowns
}

func TestMemcachedStyleAuthentication(t *testing.T) {
	srv := withUsers(t)
	c := mt.Dial(t, srv.Addr)
	c.MustSet("anything", "app app-pw")
	c.MustSet("work", "a real item")
	c.MustGet("work", "a real item")
	c.MustBeEmpty("anything")

	bad := mt.Dial(t, srv.Addr)
	if got := bad.Set("anything", []byte("app nope")); got != "CLIENT_ERROR authentication failed" {
		t.Fatalf("set-style auth with a wrong password: %q", got)
	}
	bad.ExpectClosed()
}

func TestAuthWithoutUsersIsRefused(t *testing.T) {
	srv := mt.Start(t, mt.Config(t))
	c := mt.Dial(t, srv.Addr)
	if got := c.Do("auth app app-pw"); got != "CLIENT_ERROR authentication is not enabled" {
		t.Fatalf("auth with no auth_users: %q", got)
	}
	c.ExpectClosed()
	open := mt.Dial(t, srv.Addr)
	open.Write("shutdown\r\n")
	open.ExpectClosed()
	<-srv.Shutdowns
}

func mustDo(t *testing.T, c *mt.Client, req, want string) {
	t.Helper()
	if got := c.Do(req); got != want {
		t.Fatalf("%s: %q, want %q", req, got, want)
	}
}
