package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ByteSize is a size in bytes. In configuration it is an integer (bytes) or
// a string with a binary unit: "512B", "64KB", "16MB", "1GB" (1MB = 1048576),
// the unit in any case.
type ByteSize int64

// Binary multiples, as Kestrel's storage conversions used them.
const (
	KB ByteSize = 1 << 10
	MB ByteSize = 1 << 20
	GB ByteSize = 1 << 30
	TB ByteSize = 1 << 40
)

var sizeUnits = map[string]ByteSize{
	"": 1, "B": 1,
	"K": KB, "KB": KB, "KIB": KB,
	"M": MB, "MB": MB, "MIB": MB,
	"G": GB, "GB": GB, "GIB": GB,
	"T": TB, "TB": TB, "TIB": TB,
}

// compactUnits are tried largest first so String picks the shortest form.
var compactUnits = []struct {
	size ByteSize
	name string
}{{TB, "TB"}, {GB, "GB"}, {MB, "MB"}, {KB, "KB"}}

// ParseByteSize parses a size such as "16MB" or "1048576".
func ParseByteSize(s string) (ByteSize, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		return 0, errors.New("must not be negative")
	}
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	unit, ok := sizeUnits[strings.ToUpper(strings.TrimSpace(s[digits:]))]
	if digits == 0 || !ok {
		return 0, fmt.Errorf(`want a size like 1048576, "512KB", "16MB" or "1GB", got %q`, s)
	}
	n, err := strconv.ParseInt(s[:digits], 10, 64)
	if err != nil || n > math.MaxInt64/int64(unit) {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return ByteSize(n) * unit, nil
}

// UnmarshalText lets YAML, koanf and flags read "16MB".
func (b *ByteSize) UnmarshalText(text []byte) error {
	n, err := ParseByteSize(string(text))
	if err != nil {
		return err
	}
	*b = n
	return nil
}

// MarshalText writes the form String gives, which UnmarshalText reads back.
func (b ByteSize) MarshalText() ([]byte, error) {
	return []byte(b.String()), nil
}

// String prints the largest unit that divides the size exactly ("16MB"),
// otherwise the plain number of bytes.
func (b ByteSize) String() string {
	for _, u := range compactUnits {
		if b != 0 && b%u.size == 0 {
			return strconv.FormatInt(int64(b/u.size), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// Set makes *ByteSize a pflag.Value, so a size flag takes "64MB".
func (b *ByteSize) Set(s string) error {
	return b.UnmarshalText([]byte(s))
}

// Type names the flag's value in --help.
func (b *ByteSize) Type() string {
	return "size"
}
