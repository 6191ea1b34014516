package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Dump renders the resolved configuration for the dump_config command:
// the default first, then every queue named in the configuration or in
// names (live queues), sorted, then the aliases. Values are written as the
// YAML takes them.
//
//	queue "default" {
//	  max_items=0
//	  ...
//	}
func (c *Config) Dump(names []string) string {
	var b strings.Builder
	writeBlock(&b, "queue", "default", queueKeys, c.Default)
	all := map[string]bool{}
	for name := range c.Queues {
		all[name] = true
	}
	for _, name := range names {
		// An unconfigured live queue called "default" would repeat the
		// default block under the same title.
		if _, configured := c.Queues[name]; name != "default" || configured {
			all[name] = true
		}
	}
	for _, name := range sortedKeys(all) {
		writeBlock(&b, "queue", name, queueKeys, c.QueueConfig(name))
	}
	for _, name := range sortedKeys(c.Aliases) {
		writeBlock(&b, "alias", name, aliasKeys, c.Aliases[name])
	}
	return b.String()
}

func writeBlock(b *strings.Builder, kind, name string, s schema, value any) {
	fmt.Fprintf(b, "%s %q {\n", kind, name)
	for _, f := range s.fields {
		fmt.Fprintf(b, "  %s=%s\n", f.key, formatValue(f.get(value)))
	}
	b.WriteString("}\n")
}

// formatValue writes sizes and durations through their String methods,
// strings quoted (so an empty one shows) and lists as a YAML flow sequence.
func formatValue(v reflect.Value) string {
	switch x := v.Interface().(type) {
	case string:
		return strconv.Quote(x)
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v.Interface())
}
