package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeConfig writes a YAML file into a fresh directory and returns its path.
func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kestrel.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustLoad(t *testing.T, yaml string, env []string) *Config {
	t.Helper()
	c, err := Load(writeConfig(t, yaml), env, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

// loadFails loads yaml and env and checks the error mentions every want.
func loadFails(t *testing.T, yaml string, env []string, want ...string) {
	t.Helper()
	path := writeConfig(t, yaml)
	_, err := Load(path, env, nil)
	if err == nil {
		t.Fatalf("Load succeeded, want an error mentioning %q", want)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "config "+path+": ") {
		t.Errorf("error %q does not start with the file name", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not mention %q", msg, w)
		}
	}
}
