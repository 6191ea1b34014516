package config

import (
	"errors"
	"strings"
	"testing"
)

func TestValidQueueName(t *testing.T) {
	for _, name := range []string{"q", "weather_updates", "a-b", "A1", "a+b", "ünïcode", strings.Repeat("x", 250)} {
		if err := ValidQueueName(name); err != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
	for _, name := range []string{
		"", strings.Repeat("x", 251), "a/b", "a~b", "a.b", ".status", "a b", "a\tb", "a\nb", "a\x00b", "a\x7fb",
		"a\u00a0b", "+a", "a+", "+", "a+b+c",
	} {
		err := ValidQueueName(name)
		if err == nil {
			t.Errorf("%q accepted", name)
		} else if !errors.Is(err, ErrInvalidQueueName) {
			t.Errorf("%q: %v does not wrap ErrInvalidQueueName", name, err)
		}
	}
}
