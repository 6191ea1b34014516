package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// leafRules check, and may normalise, one decoded value by what its key
// means. Keys not listed only have to be non-negative when numeric.
var leafRules = map[string]func(v reflect.Value) error{
	"memcache_port":         port,
	"text_port":             port,
	"remote_port":           port,
	"admin_port":            port,
	"max_open_transactions": atLeastOne,
	"max_request_bytes":     atLeastOne,
	"queue_path":            nonEmpty,
	"default_status": oneOf(map[string]string{
		"up": "up", "read_only": "read_only", "readonly": "read_only", "quiescent": "quiescent",
	}, "up, read_only, quiescent"),
	"log_level": oneOf(map[string]string{
		"debug": "debug", "info": "info", "warn": "warn", "warning": "warn", "error": "error",
	}, "debug, info, warn, error"),
	"log_format":        oneOf(map[string]string{"text": "text", "json": "json"}, "text, json"),
	"expire_to_queue":   optionalQueueName,
	"dead_letter_queue": optionalQueueName,
	"dest_queues":       queueNames,
	"password":          password,
	"password_sha256":   passwordHash,
}

// checkLeaf applies the rules for key to a decoded value. Every number in
// the configuration is a count, a size or a duration, so none may be
// negative.
func checkLeaf(key string, v reflect.Value) error {
	n := int64(0)
	switch {
	case v.CanInt():
		n = v.Int()
	case v.Type() == syncPolicyType:
		n = int64(v.Interface().(SyncPolicy).Period)
	}
	if n < 0 {
		return errors.New("must not be negative")
	}
	if rule := leafRules[key]; rule != nil {
		return rule(v)
	}
	return nil
}

// port allows 0, which turns the listener off.
func port(v reflect.Value) error {
	if v.Int() > 65535 {
		return fmt.Errorf("port %d is outside 0..65535", v.Int())
	}
	return nil
}

func atLeastOne(v reflect.Value) error {
	if v.Int() < 1 {
		return errors.New("must be at least 1")
	}
	return nil
}

func nonEmpty(v reflect.Value) error {
	if strings.TrimSpace(v.String()) == "" {
		return errors.New("must not be empty")
	}
	return nil
}

// oneOf accepts the spellings in allowed, in any case, and stores the
// canonical one so the rest of the server compares against one word.
func oneOf(allowed map[string]string, list string) func(v reflect.Value) error {
	return func(v reflect.Value) error {
		canonical, ok := allowed[strings.ToLower(strings.TrimSpace(v.String()))]
		if !ok {
			return fmt.Errorf("must be one of %s, got %q", list, v.String())
		}
		v.SetString(canonical)
		return nil
	}
}

func optionalQueueName(v reflect.Value) error {
	if v.String() == "" {
		return nil
	}
	return ValidQueueName(v.String())
}

func queueNames(v reflect.Value) error {
	for _, name := range v.Interface().([]string) {
		if err := ValidQueueName(name); err != nil {
			return err
		}
	}
	return nil
}

// checkCombinations finds settings that are each valid but cannot hold
// together. It runs once every source has been applied.
func (l *loader) checkCombinations() error {
	c := l.cfg
	for _, lim := range []struct {
		key   string
		value int
	}{
		{"connection_limit_refuse_writes", c.ConnectionLimitRefuseWrites},
		{"connection_limit_refuse_reads", c.ConnectionLimitRefuseReads},
	} {
		if c.MaxConnections > 0 && lim.value > c.MaxConnections {
			return l.errorAt(lim.key, fmt.Errorf("%d is above max_connections (%d), so it could never apply", lim.value, c.MaxConnections))
		}
	}
	for _, name := range sortedKeys(c.Queues) {
		if q := c.Queues[name]; q.ExpireToQueue == name {
			return l.errorAt(l.setterOf(name, "expire_to_queue"), fmt.Errorf("queue %q would expire items into itself", name))
		}
	}
	return l.checkAliases()
}

// checkAliases keeps a name meaning one thing: a queue or an alias, and
// keeps aliases from delivering to aliases, which could loop.
func (l *loader) checkAliases() error {
	c := l.cfg
	for _, name := range sortedKeys(c.Aliases) {
		key := joinKey("aliases", name)
		if _, ok := c.Queues[name]; ok {
			return l.errorAt(key, fmt.Errorf("alias %q has the same name as a queue under queues", name))
		}
		for _, q := range sortedKeys(c.Queues) {
			if master, _, fanout := strings.Cut(q, "+"); fanout && master == name {
				return l.errorAt(key, fmt.Errorf("alias %q is the master of fanout queue %q under queues", name, q))
			}
		}
		destKey := joinKey(key, "dest_queues")
		for _, dest := range c.Aliases[name].DestQueues {
			if dest == name {
				return l.errorAt(destKey, fmt.Errorf("alias %q names itself", name))
			}
			if _, ok := c.Aliases[dest]; ok {
				return l.errorAt(destKey, fmt.Errorf("%q is an alias; an alias delivers only to queues", dest))
			}
		}
	}
	return nil
}
