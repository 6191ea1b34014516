package auth

import (
	"testing"

	"github.com/kestrel-go/kestrel/config"
)

func users(u map[string]config.AuthUser) *config.Config {
	cfg := config.Defaults()
	cfg.AuthUsers = u
	return cfg
}

func TestWithoutUsersEveryoneIsAdmin(t *testing.T) {
	var l Login
	cfg := config.Defaults()
	if !l.Allowed(cfg) || !l.Admin(cfg) {
		t.Fatal("with no auth_users, a connection must be allowed everything")
	}
	if l.Attempt(cfg, "anyone", "x") {
		t.Fatal("a login succeeded with no users configured")
	}
}

func TestLogin(t *testing.T) {
	cfg := users(map[string]config.AuthUser{
		"ops": {Password: "pw1", Admin: true},
		// sha256("s3cret")
		"app": {PasswordSHA256: "1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0"},
	})
	var l Login
	if l.Allowed(cfg) {
		t.Fatal("allowed before logging in")
	}
	for _, bad := range [][2]string{{"ops", "pw2"}, {"ops", ""}, {"nobody", "pw1"}, {"", ""}, {"app", "1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0"}} {
		if l.Attempt(cfg, bad[0], bad[1]) || l.Allowed(cfg) {
			t.Errorf("login as %q with %q succeeded", bad[0], bad[1])
		}
	}
	if !l.Attempt(cfg, "app", "s3cret") || !l.Allowed(cfg) || l.Admin(cfg) {
		t.Fatalf("app: allowed %v admin %v, want allowed, not admin", l.Allowed(cfg), l.Admin(cfg))
	}
	if !l.Attempt(cfg, "ops", "pw1") || !l.Admin(cfg) || l.User() != "ops" {
		t.Fatal("ops is not admin after logging in")
	}
	// A reload that drops the user ends its rights on the open connection.
	delete(cfg.AuthUsers, "ops")
	if l.Allowed(cfg) || l.Admin(cfg) {
		t.Fatal("a removed user keeps its rights")
	}
}
