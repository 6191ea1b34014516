// Package config loads Kestrel's server and queue configuration: a YAML
// file, then KESTREL_ environment variables, then command line flags, each
// overriding the one before. Queue configuration is inherited key by key:
// the default block, then a queue's own block, and for a fanout child
// "a+b", a's resolved configuration before the "a+b" block.
package config

import (
	"crypto/tls"
	"strings"
	"time"
)

// Queue is the configuration of one queue. Every field is a key of the
// `default:` block and of each block under `queues:`.
type Queue struct {
	MaxItems               int64         `koanf:"max_items"`
	MaxSize                ByteSize      `koanf:"max_size"`
	MaxItemSize            ByteSize      `koanf:"max_item_size"`
	MaxAge                 time.Duration `koanf:"max_age"`
	DefaultJournalSize     ByteSize      `koanf:"default_journal_size"`
	MaxMemorySize          ByteSize      `koanf:"max_memory_size"`
	MaxJournalSize         ByteSize      `koanf:"max_journal_size"`
	MinJournalCompactDelay time.Duration `koanf:"min_journal_compact_delay"`
	DiscardOldWhenFull     bool          `koanf:"discard_old_when_full"`
	KeepJournal            bool          `koanf:"keep_journal"`
	SyncJournal            SyncPolicy    `koanf:"sync_journal"`
	ExpireToQueue          string        `koanf:"expire_to_queue"`
	MaxExpireSweep         int           `koanf:"max_expire_sweep"`
	FanoutOnly             bool          `koanf:"fanout_only"`
	MaxQueueAge            time.Duration `koanf:"max_queue_age"`
	OpenTransactionTimeout time.Duration `koanf:"open_transaction_timeout"`
	MaxDeliveries          int           `koanf:"max_deliveries"`
	DeadLetterQueue        string        `koanf:"dead_letter_queue"`
}

// Alias is a name that delivers every item put to it to each destination
// queue.
type Alias struct {
	DestQueues []string `koanf:"dest_queues"`
}

// Config is the whole server configuration.
type Config struct {
	ListenAddress               string        `koanf:"listen_address"`
	MemcachePort                int           `koanf:"memcache_port"`
	TextPort                    int           `koanf:"text_port"`
	RemotePort                  int           `koanf:"remote_port"`
	AdminPort                   int           `koanf:"admin_port"`
	QueuePath                   string        `koanf:"queue_path"`
	ExpirationTimerFrequency    time.Duration `koanf:"expiration_timer_frequency"`
	ClientTimeout               time.Duration `koanf:"client_timeout"`
	MaxOpenTransactions         int           `koanf:"max_open_transactions"`
	MaxConnections              int           `koanf:"max_connections"`
	ConnectionLimitRefuseWrites int           `koanf:"connection_limit_refuse_writes"`
	ConnectionLimitRefuseReads  int           `koanf:"connection_limit_refuse_reads"`
	MaxRequestBytes             ByteSize      `koanf:"max_request_bytes"`
	StatusFile                  string        `koanf:"status_file"`
	DefaultStatus               string        `koanf:"default_status"`
	StatusChangeGracePeriod     time.Duration `koanf:"status_change_grace_period"`
	LogLevel                    string        `koanf:"log_level"`
	LogFormat                   string        `koanf:"log_format"`
	AdminPprof                  bool          `koanf:"admin_pprof"`
	RequestTimeout              time.Duration `koanf:"request_timeout"`
	WriteTimeout                time.Duration `koanf:"write_timeout"`
	TLSCertFile                 string        `koanf:"tls_cert_file"`
	TLSKeyFile                  string        `koanf:"tls_key_file"`

	Default Queue `koanf:"default"`
	// Queues holds the fully resolved configuration of each queue named
	// under `queues:`; QueueConfig resolves any other name.
	Queues  map[string]Queue `koanf:"queues"`
	Aliases map[string]Alias `koanf:"aliases"`
	// AuthUsers are the clients that may connect once they authenticate;
	// with none, no authentication is asked for.
	AuthUsers map[string]AuthUser `koanf:"auth_users"`

	// TLSCertificate is the pair in tls_cert_file and tls_key_file,
	// loaded when the configuration is, so that a bad file stops a start
	// or a reload; nil when TLS is off.
	TLSCertificate *tls.Certificate `koanf:"-"`

	// Source is the file the configuration was loaded from, "" when only
	// the embedded defaults, the environment and flags were used.
	Source string `koanf:"-"`
}

// Defaults returns the embedded defaults: what the server runs with when
// no file, environment variable or flag says otherwise.
func Defaults() *Config {
	c := &Config{
		ListenAddress:            "127.0.0.1",
		MemcachePort:             22133,
		TextPort:                 2222,
		RemotePort:               2229,
		AdminPort:                2223,
		QueuePath:                "./kestrel-data",
		ExpirationTimerFrequency: time.Second,
		MaxOpenTransactions:      1,
		MaxRequestBytes:          64 * MB,
		DefaultStatus:            "up",
		LogLevel:                 "info",
		LogFormat:                "text",
		RequestTimeout:           30 * time.Second,
		WriteTimeout:             30 * time.Second,
		Default:                  defaultQueue(),
		Queues:                   map[string]Queue{},
		Aliases:                  map[string]Alias{},
		AuthUsers:                map[string]AuthUser{},
	}
	c.StatusFile = defaultStatusFile(c.QueuePath)
	return c
}

func defaultQueue() Queue {
	return Queue{
		DefaultJournalSize:     16 * MB,
		MaxMemorySize:          128 * MB,
		MaxJournalSize:         1 * GB,
		MinJournalCompactDelay: time.Minute,
		KeepJournal:            true,
		SyncJournal:            SyncPolicy{Period: 100 * time.Millisecond},
	}
}

// defaultStatusFile keeps the status beside the journals unless told
// otherwise. It appends rather than filepath.Join so the path reads as the
// operator wrote queue_path ("./kestrel-data/.status").
func defaultStatusFile(queuePath string) string {
	trimmed := strings.TrimRight(queuePath, "/")
	if trimmed == "" && queuePath != "" {
		return "/.status"
	}
	return trimmed + "/.status"
}
