package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/kestrel-go/kestrel/internal/testcert"
)

// specYAML is the configuration of the interface spec, section 2: every
// key at its default, plus one queue and one alias.
const specYAML = `
listen_address: 127.0.0.1
memcache_port: 22133
text_port: 2222
remote_port: 2229
admin_port: 2223
queue_path: ./kestrel-data
expiration_timer_frequency: 1s
client_timeout: 0s
max_open_transactions: 1
max_connections: 0
connection_limit_refuse_writes: 0
connection_limit_refuse_reads: 0
max_request_bytes: 64MB
status_file: ./kestrel-data/.status
default_status: up
status_change_grace_period: 0s
default:
  max_items: 0
  max_size: 0
  max_item_size: 0
  max_age: 0s
  default_journal_size: 16MB
  max_memory_size: 128MB
  max_journal_size: 1GB
  min_journal_compact_delay: 1m
  discard_old_when_full: false
  keep_journal: true
  sync_journal: 100ms
  expire_to_queue: ""
  max_expire_sweep: 0
  fanout_only: false
  max_queue_age: 0s
  open_transaction_timeout: 0s
queues:
  weather_updates:
    max_age: 30m
    max_items: 1500000
aliases:
  everything:
    dest_queues: [weather_updates, audit]
`

func TestLoadWithoutFileIsTheDefaults(t *testing.T) {
	c, err := Load("", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := Defaults(); !reflect.DeepEqual(c, want) {
		t.Errorf("Load(\"\") = %+v\nwant %+v", c, want)
	}
	if c.StatusFile != "./kestrel-data/.status" || c.Source != "" {
		t.Errorf("status_file %q, source %q", c.StatusFile, c.Source)
	}
}

func TestSpecConfigurationMatchesTheEmbeddedDefaults(t *testing.T) {
	path := writeConfig(t, specYAML)
	c, err := Load(path, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Defaults()
	want.Source = path
	want.Queues = map[string]Queue{"weather_updates": c.Default}
	wu := want.Queues["weather_updates"]
	wu.MaxAge, wu.MaxItems = 30*time.Minute, 1500000
	want.Queues["weather_updates"] = wu
	want.Aliases = map[string]Alias{"everything": {DestQueues: []string{"weather_updates", "audit"}}}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("spec YAML loads as %+v\nwant %+v", c, want)
	}
}

func TestEveryKeyIsParsed(t *testing.T) {
	pair := testcert.Write(t)
	yaml := `
listen_address: 0.0.0.0
memcache_port: 1
text_port: 2
remote_port: 3
admin_port: 4
queue_path: /var/spool/kestrel
expiration_timer_frequency: 5s
client_timeout: 6s
max_open_transactions: 7
max_connections: 800
connection_limit_refuse_writes: 700
connection_limit_refuse_reads: 600
max_request_bytes: 1KB
status_file: /run/kestrel.status
default_status: quiescent
status_change_grace_period: 9s
log_level: debug
log_format: json
admin_pprof: true
request_timeout: 21s
write_timeout: 22s
tls_cert_file: ` + pair.CertFile + `
tls_key_file: ` + pair.KeyFile + `
default:
  max_items: 10
  max_size: 11
  max_item_size: 12KB
  max_age: 13s
  default_journal_size: 14MB
  max_memory_size: 15MB
  max_journal_size: 16GB
  min_journal_compact_delay: 17s
  discard_old_when_full: true
  keep_journal: false
  sync_journal: 0s
  expire_to_queue: graveyard
  max_expire_sweep: 18
  fanout_only: true
  max_queue_age: 19h
  open_transaction_timeout: 20ms
  max_deliveries: 23
  dead_letter_queue: morgue
aliases:
  a:
    dest_queues: [b, c]
auth_users:
  ops:
    password: s3cret
    admin: true
  app:
    password_sha256: 2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b
`
	for _, s := range []schema{topKeys, queueKeys, aliasKeys, userKeys} {
		for _, f := range s.fields {
			if !strings.Contains(yaml, "\n"+f.key+":") && !strings.Contains(yaml, " "+f.key+":") {
				t.Errorf("key %s is missing from this test", f.key)
			}
		}
	}
	c := mustLoad(t, yaml, nil)
	want := &Config{
		ListenAddress: "0.0.0.0", MemcachePort: 1, TextPort: 2, RemotePort: 3, AdminPort: 4,
		QueuePath:                "/var/spool/kestrel",
		ExpirationTimerFrequency: 5 * time.Second, ClientTimeout: 6 * time.Second,
		MaxOpenTransactions: 7, MaxConnections: 800,
		ConnectionLimitRefuseWrites: 700, ConnectionLimitRefuseReads: 600,
		MaxRequestBytes: KB, StatusFile: "/run/kestrel.status", DefaultStatus: "quiescent",
		StatusChangeGracePeriod: 9 * time.Second, LogLevel: "debug", LogFormat: "json", AdminPprof: true,
		RequestTimeout: 21 * time.Second, WriteTimeout: 22 * time.Second,
		TLSCertFile: pair.CertFile, TLSKeyFile: pair.KeyFile, TLSCertificate: c.TLSCertificate,
		Default: Queue{
			MaxItems: 10, MaxSize: 11, MaxItemSize: 12 * KB, MaxAge: 13 * time.Second,
			DefaultJournalSize: 14 * MB, MaxMemorySize: 15 * MB, MaxJournalSize: 16 * GB,
			MinJournalCompactDelay: 17 * time.Second, DiscardOldWhenFull: true, KeepJournal: false,
			SyncJournal: SyncPolicy{}, ExpireToQueue: "graveyard", MaxExpireSweep: 18, FanoutOnly: true,
			MaxQueueAge: 19 * time.Hour, OpenTransactionTimeout: 20 * time.Millisecond,
			MaxDeliveries: 23, DeadLetterQueue: "morgue",
		},
		Queues:  map[string]Queue{},
		Aliases: map[string]Alias{"a": {DestQueues: []string{"b", "c"}}},
		AuthUsers: map[string]AuthUser{
			"ops": {Password: "s3cret", Admin: true},
			"app": {PasswordSHA256: "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"},
		},
		Source: c.Source,
	}
	if c.TLSCertificate == nil {
		t.Error("the TLS pair was not loaded")
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestStatusFileFollowsQueuePath(t *testing.T) {
	c := mustLoad(t, "queue_path: /var/spool/kestrel/\n", nil)
	if c.StatusFile != "/var/spool/kestrel/.status" {
		t.Errorf("status_file = %q", c.StatusFile)
	}
}

func TestSyncJournalNever(t *testing.T) {
	c := mustLoad(t, "default:\n  sync_journal: never\nqueues:\n  fast:\n    sync_journal: 0s\n", nil)
	if !c.Default.SyncJournal.Never || c.Default.SyncJournal.Always() {
		t.Errorf("default sync_journal = %+v, want never", c.Default.SyncJournal)
	}
	if !c.Queues["fast"].SyncJournal.Always() {
		t.Errorf("fast sync_journal = %+v, want fsync before acknowledging", c.Queues["fast"].SyncJournal)
	}
}

func TestBareNumberDurationIsRejected(t *testing.T) {
	loadFails(t, "default:\n  max_age: 30\n", nil, "default.max_age", "unit", "nanoseconds")
	loadFails(t, "client_timeout: 5\n", nil, "client_timeout", "unit")
	loadFails(t, "default:\n  sync_journal: 100\n", nil, "default.sync_journal", "unit")
	loadFails(t, "", []string{"KESTREL_DEFAULT__MAX_AGE=30"}, "KESTREL_DEFAULT__MAX_AGE", "unit")
}

func TestBareZeroDurationMeansOff(t *testing.T) {
	c := mustLoad(t, "expiration_timer_frequency: 0\ndefault:\n  max_age: 0\n  sync_journal: 0\n", nil)
	if c.ExpirationTimerFrequency != 0 || c.Default.MaxAge != 0 || !c.Default.SyncJournal.Always() {
		t.Errorf("bare zeros read as %v %v %+v", c.ExpirationTimerFrequency, c.Default.MaxAge, c.Default.SyncJournal)
	}
}

func TestEnumerationsAreNormalised(t *testing.T) {
	c := mustLoad(t, "default_status: ReadOnly\nlog_level: WARNING\nlog_format: JSON\n", nil)
	if c.DefaultStatus != "read_only" || c.LogLevel != "warn" || c.LogFormat != "json" {
		t.Errorf("got %q %q %q", c.DefaultStatus, c.LogLevel, c.LogFormat)
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	yaml := "memcache_port: 1000\ndefault:\n  max_items: 5\n  max_age: 1m\nqueues:\n  q:\n    max_items: 7\n"
	env := []string{
		"PATH=/bin",
		"KESTREL_MEMCACHE_PORT=22134",
		"KESTREL_DEFAULT__MAX_ITEMS=10",
		"KESTREL_DEFAULT__KEEP_JOURNAL=false",
		"KESTREL_MAX_REQUEST_BYTES=1MB",
		"KESTREL_QUEUES__q__MAX_SIZE=2KB",
		"KESTREL_QUEUES__new__SYNC_JOURNAL=never",
		"KESTREL_ALIASES__all__DEST_QUEUES=q, new",
	}
	c := mustLoad(t, yaml, env)
	if c.MemcachePort != 22134 || c.MaxRequestBytes != MB {
		t.Errorf("memcache_port %d, max_request_bytes %v", c.MemcachePort, c.MaxRequestBytes)
	}
	if c.Default.MaxItems != 10 || c.Default.KeepJournal || c.Default.MaxAge != time.Minute {
		t.Errorf("default = %+v", c.Default)
	}
	if q := c.Queues["q"]; q.MaxItems != 7 || q.MaxSize != 2*KB || q.KeepJournal {
		t.Errorf("q = %+v, want max_items from the file, max_size from env, keep_journal from env's default", q)
	}
	if q := c.Queues["new"]; !q.SyncJournal.Never || q.MaxItems != 10 {
		t.Errorf("new = %+v", q)
	}
	if a := c.Aliases["all"]; !reflect.DeepEqual(a.DestQueues, []string{"q", "new"}) {
		t.Errorf("alias all = %+v", a)
	}
}

func TestUnknownEnvironmentVariableIsRejected(t *testing.T) {
	loadFails(t, "", []string{"KESTREL_FOO=1"}, "KESTREL_FOO", "unknown key")
	loadFails(t, "", []string{"KESTREL_DEFAULT__MAX_ITMES=1"}, "KESTREL_DEFAULT__MAX_ITMES", `"default.max_itmes"`)
	loadFails(t, "", []string{"KESTREL_QUEUES__q__NOPE=1"}, "KESTREL_QUEUES__q__NOPE")
	loadFails(t, "", []string{"KESTREL_QUEUES__a.b__MAX_ITEMS=1"}, "KESTREL_QUEUES__a.b__MAX_ITEMS")
	loadFails(t, "", []string{"KESTREL_MEMCACHE_PORT=http"}, "memcache_port (from KESTREL_MEMCACHE_PORT)", "whole number")
}

// flagsFor registers the configuration flags and parses args.
func flagsFor(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("kestrel", pflag.ContinueOnError)
	fs.String("config", "", "config file")
	RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestFlagsOverrideFileAndEnvironment(t *testing.T) {
	path := writeConfig(t, "memcache_port: 1000\ntext_port: 1001\nadmin_port: 1002\nclient_timeout: 1s\n")
	env := []string{"KESTREL_TEXT_PORT=2001", "KESTREL_ADMIN_PORT=2002"}
	fs := flagsFor(t, "--config", path, "--memcache-port=3000", "--admin_port", "3002",
		"--client-timeout=30s", "--max-request-bytes=2MB", "--admin-pprof", "--default-status=quiescent")
	c, err := Load(path, env, fs)
	if err != nil {
		t.Fatal(err)
	}
	if c.MemcachePort != 3000 || c.TextPort != 2001 || c.AdminPort != 3002 {
		t.Errorf("ports %d %d %d, want flag, env, flag", c.MemcachePort, c.TextPort, c.AdminPort)
	}
	if c.ClientTimeout != 30*time.Second || c.MaxRequestBytes != 2*MB || !c.AdminPprof || c.DefaultStatus != "quiescent" {
		t.Errorf("client_timeout %v, max_request_bytes %v, admin_pprof %v, default_status %q",
			c.ClientTimeout, c.MaxRequestBytes, c.AdminPprof, c.DefaultStatus)
	}
}

func TestUnsetFlagsKeepFileValues(t *testing.T) {
	path := writeConfig(t, "memcache_port: 1000\nqueue_path: /srv/q\n")
	c, err := Load(path, nil, flagsFor(t))
	if err != nil {
		t.Fatal(err)
	}
	if c.MemcachePort != 1000 || c.QueuePath != "/srv/q" || c.StatusFile != "/srv/q/.status" || c.TextPort != 2222 {
		t.Errorf("memcache_port %d, queue_path %q, status_file %q, text_port %d",
			c.MemcachePort, c.QueuePath, c.StatusFile, c.TextPort)
	}
}

func TestFlagValuesAreValidated(t *testing.T) {
	path := writeConfig(t, "")
	_, err := Load(path, nil, flagsFor(t, "--text-port=70000"))
	if err == nil || !strings.Contains(err.Error(), "text_port (from --text-port)") || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v", err)
	}
}

func TestRegisterFlagsCoversEveryTopLevelKey(t *testing.T) {
	fs := flagsFor(t)
	for _, f := range topKeys.fields {
		if fs.Lookup(flagName(f.key)) == nil {
			t.Errorf("no flag for %s", f.key)
		}
	}
	if d := fs.Lookup("max-request-bytes").DefValue; d != "64MB" {
		t.Errorf("max-request-bytes default shows %q", d)
	}
}
