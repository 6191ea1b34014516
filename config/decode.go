package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

var (
	durationType   = reflect.TypeFor[time.Duration]()
	byteSizeType   = reflect.TypeFor[ByteSize]()
	syncPolicyType = reflect.TypeFor[SyncPolicy]()
)

// decodeLeaf converts one value as YAML, the environment or a flag delivers
// it into a settable value of typ. It is stricter than koanf's default
// (weakly typed) unmarshalling on purpose: a bool is never a number, and a
// bare number is never a duration, since YAML's `max_age: 30` would
// otherwise silently mean 30 nanoseconds.
func decodeLeaf(raw any, typ reflect.Type) (reflect.Value, error) {
	out := reflect.New(typ).Elem()
	if raw == nil {
		return out, errors.New("has no value")
	}
	var (
		v   any
		err error
	)
	switch {
	case typ == durationType:
		v, err = toDuration(raw)
	case typ == byteSizeType:
		v, err = toByteSize(raw)
	case typ == syncPolicyType:
		v, err = toSyncPolicy(raw)
	case typ.Kind() == reflect.Int || typ.Kind() == reflect.Int64:
		var n int64
		n, err = toInt(raw)
		if err == nil && out.OverflowInt(n) {
			err = fmt.Errorf("%d is too large", n)
		}
		out.SetInt(n)
		return out, err
	case typ.Kind() == reflect.Bool:
		v, err = toBool(raw)
	case typ.Kind() == reflect.String:
		v, err = toString(raw)
	case typ == reflect.TypeFor[[]string]():
		v, err = toStrings(raw)
	default:
		return out, fmt.Errorf("cannot hold a %s", typ)
	}
	if err != nil {
		return out, err
	}
	out.Set(reflect.ValueOf(v).Convert(typ))
	return out, nil
}

// describe renders a raw value for an error message.
func describe(raw any) string {
	if s, ok := raw.(string); ok {
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%v", raw)
}

// number returns raw as a float64 when it is any Go number, so that the
// int, int64, uint64 and float64 YAML produces are handled in one place.
func number(raw any) (float64, bool) {
	v := reflect.ValueOf(raw)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint()), true
	case reflect.Float32, reflect.Float64:
		return v.Float(), true
	}
	return 0, false
}

func toInt(raw any) (int64, error) {
	if v := reflect.ValueOf(raw); v.CanInt() {
		return v.Int(), nil
	} else if v.CanUint() {
		if v.Uint() > math.MaxInt64 {
			return 0, fmt.Errorf("%d is too large", v.Uint())
		}
		return int64(v.Uint()), nil
	}
	if s, ok := raw.(string); ok {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("want a whole number, got %s", describe(raw))
		}
		return n, nil
	}
	f, ok := number(raw)
	if !ok || f != math.Trunc(f) || math.Abs(f) >= math.MaxInt64 {
		return 0, fmt.Errorf("want a whole number, got %s", describe(raw))
	}
	return int64(f), nil
}

func toBool(raw any) (bool, error) {
	switch v := raw.(type) {
	case bool:
		return v, nil
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			return b, nil
		}
	}
	return false, fmt.Errorf("want true or false, got %s", describe(raw))
}

func toString(raw any) (string, error) {
	if s, ok := raw.(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("want a string, got %s (quote it)", describe(raw))
}

// toStrings takes a YAML list, or a comma-separated string as the
// environment gives it.
func toStrings(raw any) ([]string, error) {
	switch v := raw.(type) {
	case []string:
		return v, nil
	case string:
		var out []string
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("want a list of names, got element %s", describe(e))
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a list of names, got %s", describe(raw))
}

var errBareDuration = errors.New(`a duration needs a unit, e.g. "30s" or "100ms" (a bare number would mean nanoseconds)`)

// parseDuration is time.ParseDuration with a clearer word for the one
// mistake that matters: a number without a unit.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	d, err := time.ParseDuration(s)
	if err == nil {
		return d, nil
	}
	if _, numErr := strconv.ParseFloat(s, 64); numErr == nil {
		return 0, fmt.Errorf("%w, got %q", errBareDuration, s)
	}
	return 0, fmt.Errorf(`want a duration like "30s" or "100ms", got %q`, s)
}

func toDuration(raw any) (time.Duration, error) {
	switch v := raw.(type) {
	case time.Duration:
		return v, nil
	case string:
		return parseDuration(v)
	}
	// A bare 0 means "off" in every unit, so it is not the trap a bare
	// non-zero number is.
	if f, ok := number(raw); ok {
		if f == 0 {
			return 0, nil
		}
		return 0, fmt.Errorf("%w, got %v", errBareDuration, raw)
	}
	return 0, fmt.Errorf(`want a duration like "30s", got %s`, describe(raw))
}

func toByteSize(raw any) (ByteSize, error) {
	switch v := raw.(type) {
	case ByteSize:
		return v, nil
	case string:
		return ParseByteSize(v)
	}
	if _, ok := number(raw); ok {
		n, err := toInt(raw)
		return ByteSize(n), err
	}
	return 0, fmt.Errorf(`want a size like 1048576 or "16MB", got %s`, describe(raw))
}

func toSyncPolicy(raw any) (SyncPolicy, error) {
	var p SyncPolicy
	switch v := raw.(type) {
	case SyncPolicy:
		return v, nil
	case string:
		err := p.UnmarshalText([]byte(v))
		return p, err
	}
	d, err := toDuration(raw)
	if err != nil {
		return p, fmt.Errorf(`want "never" or a duration like "0s" or "100ms": %w`, err)
	}
	return SyncPolicy{Period: d}, nil
}
