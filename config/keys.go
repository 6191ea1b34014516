package config

import (
	"reflect"
	"strings"
)

// field is one configurable key and where its value lives in its struct.
// The koanf tags are the single list of keys: loading, flags and Dump all
// read it from here.
type field struct {
	key   string
	index int
	typ   reflect.Type
}

// schema is the set of scalar keys of one struct, in declaration order.
type schema struct {
	fields []field
	byKey  map[string]field
}

var (
	topKeys   = schemaOf(reflect.TypeFor[Config]())
	queueKeys = schemaOf(reflect.TypeFor[Queue]())
	aliasKeys = schemaOf(reflect.TypeFor[Alias]())
	userKeys  = schemaOf(reflect.TypeFor[AuthUser]())
)

// schemaOf lists the leaf keys of t. The nested sections of Config
// (default, queues, aliases, auth_users) are walked by the loader, not
// here.
func schemaOf(t reflect.Type) schema {
	s := schema{byKey: map[string]field{}}
	for i := range t.NumField() {
		sf := t.Field(i)
		key := sf.Tag.Get("koanf")
		if key == "" || key == "-" || sf.Type == reflect.TypeFor[Queue]() || sf.Type.Kind() == reflect.Map {
			continue
		}
		f := field{key: key, index: i, typ: sf.Type}
		s.fields = append(s.fields, f)
		s.byKey[key] = f
	}
	return s
}

// set stores v, already decoded to the field's type, into the struct that
// dst points to.
func (f field) set(dst any, v reflect.Value) {
	reflect.ValueOf(dst).Elem().Field(f.index).Set(v)
}

// get reads the field from a struct value.
func (f field) get(src any) reflect.Value {
	return reflect.ValueOf(src).Field(f.index)
}

// joinKey builds a dotted key path such as "queues.q.max_items".
func joinKey(parts ...string) string {
	return strings.Join(parts, ".")
}
