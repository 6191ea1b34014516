package config

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/knadh/koanf/parsers/yaml"
	kenv "github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/pflag"
)

// EnvPrefix starts every environment variable the configuration reads.
const EnvPrefix = "KESTREL_"

// Load builds the configuration from the embedded defaults, then the YAML
// file at path (skipped when path is ""), then the KESTREL_ variables in
// env (in os.Environ form), then the flags of fs that were set on the
// command line (fs may be nil). The first problem found is returned as an
// *Error naming the file and the key; the server must not start with a
// configuration it only half understood.
func Load(path string, env []string, fs *pflag.FlagSet) (*Config, error) {
	l := newLoader(path)
	if path != "" {
		tree, err := readFile(path)
		if err != nil {
			return nil, &Error{File: path, Err: err}
		}
		if err := l.apply(tree, func(string) string { return "" }); err != nil {
			return nil, err
		}
	}
	tree, vars, err := readEnv(env)
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	if err := l.apply(tree, envOrigin(vars)); err != nil {
		return nil, err
	}
	if fs != nil {
		tree, flags, err := readFlags(fs)
		if err != nil {
			return nil, &Error{File: path, Err: err}
		}
		if err := l.apply(tree, func(key string) string { return flags[key] }); err != nil {
			return nil, err
		}
	}
	return l.finish()
}

// readFile parses the YAML file into koanf's nested map. Its keys are
// walked as they are, so a queue name with a '.' is reported as a bad
// name rather than split into a path.
func readFile(path string) (map[string]any, error) {
	k := koanf.New(".")
	if err := k.Load(file.Provider(path), yaml.Parser()); err != nil {
		return nil, err
	}
	return k.Raw(), nil
}

// readEnv reads the KESTREL_ variables of env. Nesting is "__" because the
// keys themselves contain "_": KESTREL_DEFAULT__MAX_ITEMS is
// default.max_items and KESTREL_QUEUES__q__MAX_ITEMS is queues.q.max_items
// (the queue or alias name keeps its case; queue names are case-sensitive).
// It also returns, for each key, the variable that set it, for errors.
func readEnv(env []string) (map[string]any, map[string]string, error) {
	vars := map[string]string{}
	k := koanf.New(".")
	err := k.Load(kenv.Provider(".", kenv.Opt{
		Prefix:      EnvPrefix,
		EnvironFunc: func() []string { return env },
		TransformFunc: func(name, value string) (string, any) {
			key := envKey(strings.TrimPrefix(name, EnvPrefix))
			if key == "" {
				key = name // KESTREL_ alone: unknown, but not silently ignored
			}
			vars[key] = name
			return key, value
		},
	}), nil)
	return k.Raw(), vars, err
}

// envOrigin names the variable behind a key. A section key such as
// "queues.q" has no variable of its own; the first variable beneath it
// is the one to fix.
func envOrigin(vars map[string]string) func(key string) string {
	return func(key string) string {
		if name, ok := vars[key]; ok {
			return name
		}
		for _, k := range sortedKeys(vars) {
			if strings.HasPrefix(k, key+".") {
				return vars[k]
			}
		}
		return ""
	}
}

// envKey turns "QUEUES__q__MAX_ITEMS" into "queues.q.max_items"; a user
// name under AUTH_USERS keeps its case too.
func envKey(rest string) string {
	parts := strings.Split(rest, "__")
	for i := range parts {
		isName := i == 1 && (strings.EqualFold(parts[0], "queues") || strings.EqualFold(parts[0], "aliases") ||
			strings.EqualFold(parts[0], "auth_users"))
		if !isName {
			parts[i] = strings.ToLower(parts[i])
		}
	}
	return joinKey(parts...)
}

// readFlags takes the flags of fs that name a top-level key and were set
// on the command line. Unset flags are skipped even when the key is in no
// file, so a flag's default never overrides the file or the environment;
// flags that are not configuration keys (--config, ...) belong to the
// command and are left alone.
func readFlags(fs *pflag.FlagSet) (map[string]any, map[string]string, error) {
	flags := map[string]string{}
	k := koanf.New(".")
	err := k.Load(posflag.ProviderWithFlag(fs, ".", k, func(f *pflag.Flag) (string, any) {
		key := strings.ReplaceAll(f.Name, "-", "_")
		if _, ok := topKeys.byKey[key]; !ok || !f.Changed {
			return "", nil
		}
		flags[key] = "--" + f.Name
		return key, posflag.FlagVal(fs, f)
	}), nil)
	return k.Raw(), flags, err
}

// loader applies sources one over another. Queue blocks are kept as the
// keys each one sets (an overlay), not as whole Queue values, so that a
// block overrides only what it names and inherits the rest.
type loader struct {
	cfg     *Config
	blocks  map[string]overlay // queue name -> keys its block sets
	origins map[string]string  // dotted key -> variable or flag that set it; "" for the file
	set     map[string]bool    // dotted keys set by any source
}

// overlay maps queue keys to decoded values.
type overlay map[string]reflect.Value

func newLoader(path string) *loader {
	cfg := Defaults()
	cfg.Source = path
	return &loader{cfg: cfg, blocks: map[string]overlay{}, origins: map[string]string{}, set: map[string]bool{}}
}

// apply merges one source's tree. from names where a key's value came from.
func (l *loader) apply(tree map[string]any, from func(key string) string) error {
	for _, name := range sortedKeys(tree) {
		raw := tree[name]
		var err error
		switch name {
		case "default":
			err = l.applyDefault(raw, from)
		case "queues":
			err = l.applyNamed("queues", raw, from, ValidQueueName, l.applyQueue)
		case "aliases":
			err = l.applyNamed("aliases", raw, from, ValidQueueName, l.applyAlias)
		case "auth_users":
			err = l.applyNamed("auth_users", raw, from, ValidUserName, l.applyUser)
		default:
			err = l.applyTop(name, raw, from)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) applyTop(name string, raw any, from func(string) string) error {
	f, ok := topKeys.byKey[name]
	if !ok {
		return l.unknown(name, from)
	}
	v, err := l.leaf(name, name, f.typ, raw, from)
	if err != nil {
		return err
	}
	f.set(l.cfg, v)
	return nil
}

func (l *loader) applyDefault(raw any, from func(string) string) error {
	block, err := l.block("default", raw, from)
	if err != nil {
		return err
	}
	return l.applyFields("default", queueKeys, block, from, &l.cfg.Default)
}

// applyNamed walks "queues", "aliases" or "auth_users": a mapping of
// names that pass valid to blocks.
func (l *loader) applyNamed(section string, raw any, from func(string) string, valid func(string) error, each func(string, map[string]any, func(string) string) error) error {
	named, err := l.block(section, raw, from)
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(named) {
		key := joinKey(section, name)
		if err := valid(name); err != nil {
			return l.fail(key, from, err)
		}
		block, err := l.block(key, named[name], from)
		if err != nil {
			return err
		}
		if err := each(name, block, from); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) applyQueue(name string, block map[string]any, from func(string) string) error {
	o := l.blocks[name]
	if o == nil {
		o = overlay{}
		l.blocks[name] = o
	}
	for _, k := range sortedKeys(block) {
		key := joinKey("queues", name, k)
		f, ok := queueKeys.byKey[k]
		if !ok {
			return l.unknown(key, from)
		}
		v, err := l.leaf(key, k, f.typ, block[k], from)
		if err != nil {
			return err
		}
		o[k] = v
	}
	return nil
}

func (l *loader) applyAlias(name string, block map[string]any, from func(string) string) error {
	a := l.cfg.Aliases[name]
	if err := l.applyFields(joinKey("aliases", name), aliasKeys, block, from, &a); err != nil {
		return err
	}
	l.cfg.Aliases[name] = a
	return nil
}

func (l *loader) applyUser(name string, block map[string]any, from func(string) string) error {
	u := l.cfg.AuthUsers[name]
	if err := l.applyFields(joinKey("auth_users", name), userKeys, block, from, &u); err != nil {
		return err
	}
	l.cfg.AuthUsers[name] = u
	return nil
}

// applyFields decodes the keys of the block at prefix into dst, a pointer
// to a struct whose keys are keys.
func (l *loader) applyFields(prefix string, keys schema, block map[string]any, from func(string) string, dst any) error {
	for _, k := range sortedKeys(block) {
		key := joinKey(prefix, k)
		f, ok := keys.byKey[k]
		if !ok {
			return l.unknown(key, from)
		}
		v, err := l.leaf(key, k, f.typ, block[k], from)
		if err != nil {
			return err
		}
		f.set(dst, v)
	}
	return nil
}

// block reads a section that must be a mapping; an empty section (YAML
// `q:` with nothing after it) is an empty mapping.
func (l *loader) block(key string, raw any, from func(string) string) (map[string]any, error) {
	switch m := raw.(type) {
	case nil:
		return map[string]any{}, nil
	case map[string]any:
		return m, nil
	}
	return nil, l.fail(key, from, fmt.Errorf("must be a mapping of keys, got %s", describe(raw)))
}

// leaf decodes and checks one value, and remembers where it came from.
func (l *loader) leaf(key, name string, typ reflect.Type, raw any, from func(string) string) (reflect.Value, error) {
	v, err := decodeLeaf(raw, typ)
	if err == nil {
		err = checkLeaf(name, v)
	}
	if err != nil {
		return v, l.fail(key, from, err)
	}
	l.origins[key] = from(key)
	l.set[key] = true
	return v, nil
}

func (l *loader) unknown(key string, from func(string) string) error {
	return l.fail(key, from, ErrUnknownKey)
}

func (l *loader) fail(key string, from func(string) string, err error) error {
	return &Error{File: l.cfg.Source, Key: key, From: from(key), Err: err}
}

// errorAt reports a problem with a key already applied.
func (l *loader) errorAt(key string, err error) error {
	return &Error{File: l.cfg.Source, Key: key, From: l.origins[key], Err: err}
}

// finish derives what depends on other keys, resolves every named queue
// and checks the combinations.
func (l *loader) finish() (*Config, error) {
	c := l.cfg
	if !l.set["status_file"] || c.StatusFile == "" {
		c.StatusFile = defaultStatusFile(c.QueuePath)
	}
	for _, name := range sortedKeys(l.blocks) {
		c.Queues[name] = l.resolve(name)
	}
	if err := l.checkCombinations(); err != nil {
		return nil, err
	}
	if err := l.checkUsers(); err != nil {
		return nil, err
	}
	if err := l.loadTLS(); err != nil {
		return nil, err
	}
	return c, nil
}

// resolve is Kestrel 2.3.4's inheritance: default, then for a fanout child
// "a+b" a's resolved config, then the queue's own block, key by key.
func (l *loader) resolve(name string) Queue {
	q := l.cfg.Default
	if master, _, fanout := strings.Cut(name, "+"); fanout {
		q = l.resolve(master)
	}
	for k, v := range l.blocks[name] {
		queueKeys.byKey[k].set(&q, v)
	}
	return q
}

// setterOf names the block a queue's resolved key came from, so an error
// about an inherited value points at the line that set it.
func (l *loader) setterOf(name, key string) string {
	for {
		if _, ok := l.blocks[name][key]; ok {
			return joinKey("queues", name, key)
		}
		master, _, fanout := strings.Cut(name, "+")
		if !fanout {
			return joinKey("default", key)
		}
		name = master
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.SortedFunc(maps.Keys(m), cmp.Compare)
}
