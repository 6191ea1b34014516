package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// flagUsage explains each top-level key in --help.
var flagUsage = map[string]string{
	"listen_address":                 "address the listeners bind to",
	"memcache_port":                  "memcache protocol port (0 = off)",
	"text_port":                      "text protocol port (0 = off)",
	"remote_port":                    "remote actor API port (0 = off)",
	"admin_port":                     "admin HTTP port (0 = off)",
	"queue_path":                     "directory of the journals",
	"expiration_timer_frequency":     "interval of the background expiry sweep (0 = off)",
	"client_timeout":                 "idle connection timeout (0 = none)",
	"max_open_transactions":          "open reads per connection",
	"max_connections":                "connections beyond this are refused (0 = unlimited)",
	"connection_limit_refuse_writes": "above this many connections, sets are refused (0 = never)",
	"connection_limit_refuse_reads":  "above this many connections, gets are refused (0 = never)",
	"max_request_bytes":              "hard cap on one item, e.g. 64MB",
	"status_file":                    "where the server status is kept (default <queue_path>/.status)",
	"default_status":                 "status at start when no status file exists: up, read_only, quiescent",
	"status_change_grace_period":     "delay before a status change takes effect",
	"log_level":                      "debug, info, warn or error",
	"log_format":                     "text or json",
	"admin_pprof":                    "serve /debug/pprof on the admin port",
	"request_timeout":                "a request must arrive whole within this of its first byte (0 = no limit)",
	"write_timeout":                  "a client that takes longer to accept a reply is closed (0 = no limit)",
	"tls_cert_file":                  "PEM certificate: the memcache, text and admin listeners speak TLS",
	"tls_key_file":                   "PEM private key of tls_cert_file",
}

// RegisterFlags defines one flag per top-level scalar key, named like the
// key with '-' for '_' (--memcache-port); the '_' spelling is accepted
// too. The defaults shown are the embedded ones, but Load takes only the
// flags set on the command line, so they never override a file. Call it
// once per FlagSet.
func RegisterFlags(fs *pflag.FlagSet) {
	d := Defaults()
	d.StatusFile = "" // derived from queue_path unless given
	for _, f := range topKeys.fields {
		name, usage := flagName(f.key), flagUsage[f.key]
		switch v := f.get(*d).Interface().(type) {
		case int:
			fs.Int(name, v, usage)
		case string:
			fs.String(name, v, usage)
		case bool:
			fs.Bool(name, v, usage)
		case time.Duration:
			fs.Duration(name, v, usage)
		case ByteSize:
			fs.Var(&v, name, usage)
		default:
			panic(fmt.Sprintf("config: no flag type for key %s (%T)", f.key, v))
		}
	}
	normalize := fs.GetNormalizeFunc()
	fs.SetNormalizeFunc(func(f *pflag.FlagSet, name string) pflag.NormalizedName {
		return normalize(f, flagName(name))
	})
}

func flagName(key string) string {
	return strings.ReplaceAll(key, "_", "-")
}
