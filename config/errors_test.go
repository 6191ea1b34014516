package config

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorsNameTheKeyAndTheFile(t *testing.T) {
	for _, c := range []struct {
		name string
		yaml string
		want []string
	}{
		{"unknown top-level key", "memcache_prot: 1\n", []string{`unknown key "memcache_prot"`}},
		{"unknown default key", "default:\n  max_itmes: 1\n", []string{`unknown key "default.max_itmes"`}},
		{"unknown queue key", "queues:\n  q:\n    max_itmes: 1\n", []string{`unknown key "queues.q.max_itmes"`}},
		{"unknown alias key", "aliases:\n  a:\n    dest: [q]\n", []string{`unknown key "aliases.a.dest"`}},
		{"bad duration", "default:\n  max_age: soon\n", []string{"default.max_age", `"soon"`}},
		{"negative duration", "client_timeout: -1s\n", []string{"client_timeout", "negative"}},
		{"bad size", "default:\n  max_memory_size: 12XB\n", []string{"default.max_memory_size", `"12XB"`}},
		{"negative size", "queues:\n  q:\n    max_size: -5\n", []string{"queues.q.max_size", "negative"}},
		{"negative count", "default:\n  max_items: -1\n", []string{"default.max_items", "negative"}},
		{"fractional count", "default:\n  max_items: 1.5\n", []string{"default.max_items", "whole number"}},
		{"bool as number", "max_connections: true\n", []string{"max_connections", "whole number"}},
		{"number as bool", "default:\n  keep_journal: 1\n", []string{"default.keep_journal", "true or false"}},
		{"missing value", "default:\n  max_items:\n", []string{"default.max_items", "no value"}},
		{"port too large", "memcache_port: 65536\n", []string{"memcache_port", "0..65535"}},
		{"negative port", "admin_port: -1\n", []string{"admin_port", "negative"}},
		{"bad status", "default_status: down\n", []string{"default_status", "up, read_only, quiescent"}},
		{"bad log level", "log_level: loud\n", []string{"log_level", "debug, info, warn, error"}},
		{"bad log format", "log_format: xml\n", []string{"log_format", "text, json"}},
		{"no open transactions", "max_open_transactions: 0\n", []string{"max_open_transactions", "at least 1"}},
		{"no request bytes", "max_request_bytes: 0\n", []string{"max_request_bytes", "at least 1"}},
		{"empty queue path", "queue_path: \"\"\n", []string{"queue_path", "empty"}},
		{"section not a mapping", "default: 5\n", []string{"default", "mapping"}},
		{"queue block not a mapping", "queues:\n  q: [1]\n", []string{"queues.q", "mapping"}},
		{"invalid queue name", "queues:\n  a/b:\n    max_items: 1\n", []string{"queues.a/b", "invalid queue name"}},
		{"queue name with dot", "queues:\n  a.b:\n    max_items: 1\n", []string{"queues.a.b", `'.'`}},
		{"two plus signs", "queues:\n  a+b+c: {}\n", []string{"queues.a+b+c", "'+'"}},
		{"invalid alias name", "aliases:\n  \"~tmp\":\n    dest_queues: [q]\n", []string{"aliases.~tmp", "invalid queue name"}},
		{"invalid destination", "aliases:\n  a:\n    dest_queues: [\"x y\"]\n", []string{"aliases.a.dest_queues", "whitespace"}},
		{"invalid expire_to_queue", "default:\n  expire_to_queue: a/b\n", []string{"default.expire_to_queue", "invalid queue name"}},
		{"refuse writes above max connections", "max_connections: 10\nconnection_limit_refuse_writes: 11\n",
			[]string{"connection_limit_refuse_writes", "max_connections (10)"}},
		{"refuse reads above max connections", "max_connections: 10\nconnection_limit_refuse_reads: 20\n",
			[]string{"connection_limit_refuse_reads", "max_connections (10)"}},
		{"alias named like a queue", "queues:\n  q: {}\naliases:\n  q:\n    dest_queues: [x]\n",
			[]string{"aliases.q", "same name as a queue"}},
		{"alias named like a fanout master", "queues:\n  q+f: {}\naliases:\n  q:\n    dest_queues: [x]\n",
			[]string{"aliases.q", "master of fanout queue"}},
		{"alias to itself", "aliases:\n  a:\n    dest_queues: [a]\n", []string{"aliases.a.dest_queues", "itself"}},
		{"alias to alias", "aliases:\n  a:\n    dest_queues: [b]\n  b:\n    dest_queues: [q]\n",
			[]string{"aliases.a.dest_queues", `"b" is an alias`}},
		{"queue expiring into itself", "queues:\n  q:\n    expire_to_queue: q\n", []string{"queues.q.expire_to_queue", "itself"}},
		{"inherited expiry into itself", "default:\n  expire_to_queue: dead\nqueues:\n  dead: {}\n",
			[]string{"default.expire_to_queue", `"dead"`}},
		{"not YAML", "default: [\n", []string{"yaml"}},
	} {
		t.Run(c.name, func(t *testing.T) { loadFails(t, c.yaml, nil, c.want...) })
	}
}

func TestMissingFileIsAnError(t *testing.T) {
	_, err := Load("/nonexistent/kestrel.yaml", nil, nil)
	if err == nil || !strings.Contains(err.Error(), "config /nonexistent/kestrel.yaml: ") {
		t.Errorf("err = %v", err)
	}
}

func TestErrorsUnwrap(t *testing.T) {
	_, err := Load(writeConfig(t, "nope: 1\n"), nil, nil)
	var cerr *Error
	if !errors.As(err, &cerr) || cerr.Key != "nope" || !errors.Is(err, ErrUnknownKey) {
		t.Errorf("err = %#v", err)
	}
	_, err = Load(writeConfig(t, "queues:\n  a/b: {}\n"), nil, nil)
	if !errors.Is(err, ErrInvalidQueueName) {
		t.Errorf("err = %v, want it to wrap ErrInvalidQueueName", err)
	}
}

func TestErrorFromEnvironmentNamesTheVariable(t *testing.T) {
	_, err := Load("", []string{"KESTREL_DEFAULT__MAX_ITEMS=-3"}, nil)
	want := "config: default.max_items (from KESTREL_DEFAULT__MAX_ITEMS): must not be negative"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}
