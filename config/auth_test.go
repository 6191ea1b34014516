package config

import (
	"strings"
	"testing"
)

func TestAuthUsersFromTheEnvironmentKeepTheirCase(t *testing.T) {
	c := mustLoad(t, "auth_users:\n  Ops:\n    password: one\n", []string{
		"KESTREL_AUTH_USERS__Ops__PASSWORD=two",
		"KESTREL_AUTH_USERS__Ops__ADMIN=true",
		"KESTREL_AUTH_USERS__app__PASSWORD=three",
	})
	if u := c.AuthUsers["Ops"]; u.Password != "two" || !u.Admin {
		t.Errorf("Ops = %+v, want the environment's password and admin", u)
	}
	if u := c.AuthUsers["app"]; u.Password != "three" || u.Admin {
		t.Errorf("app = %+v", u)
	}
}

func TestAuthUsersAreValidated(t *testing.T) {
	loadFails(t, "auth_users:\n  app:\n    admin: true\n", nil, "auth_users.app", "needs password or password_sha256")
	loadFails(t, "auth_users:\n  app:\n    password: a\n    password_sha256: "+strings.Repeat("a", 64)+"\n", nil,
		"auth_users.app.password_sha256", "keep one")
	loadFails(t, "auth_users:\n  app:\n    password_sha256: abc\n", nil, "auth_users.app.password_sha256", "64 hex digits")
	loadFails(t, "auth_users:\n  app:\n    pasword: x\n", nil, `unknown key "auth_users.app.pasword"`)
	loadFails(t, "auth_users:\n  app:\n    admin: yes please\n", nil, "auth_users.app.admin", "true or false")
	loadFails(t, "", []string{"KESTREL_AUTH_USERS__a.b__PASSWORD=x"}, "KESTREL_AUTH_USERS__a.b__PASSWORD")
}

func TestPasswordErrorsDoNotRepeatThePassword(t *testing.T) {
	_, err := Load(writeConfig(t, "auth_users:\n  app:\n    password: \"top secret\"\n"), nil, nil)
	if err == nil || !strings.Contains(err.Error(), "auth_users.app.password") || !strings.Contains(err.Error(), "whitespace") {
		t.Fatalf("err = %v, want a refusal of the space", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q repeats the password", err)
	}
}
