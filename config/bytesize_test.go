package config

import (
	"testing"
	"time"
)

func TestByteSizeParsesNumbersAndBinaryUnits(t *testing.T) {
	for in, want := range map[string]ByteSize{
		"0":       0,
		"1048576": MB,
		"512B":    512,
		"64KB":    64 * 1024,
		"16MB":    16 << 20,
		"16mb":    16 << 20,
		"1GB":     1 << 30,
		"1 GiB":   1 << 30,
		" 2TB ":   2 << 40,
	} {
		var got ByteSize
		if err := got.UnmarshalText([]byte(in)); err != nil {
			t.Errorf("%q: %v", in, err)
		} else if got != want {
			t.Errorf("%q = %d, want %d", in, got, want)
		}
	}
}

func TestByteSizeRejectsNonSizes(t *testing.T) {
	for _, in := range []string{"", "MB", "-1", "-1MB", "1.5MB", "16XB", "99999999999GB", "ten"} {
		if got, err := ParseByteSize(in); err == nil {
			t.Errorf("%q parsed as %d, want an error", in, got)
		}
	}
}

func TestByteSizeStringIsCompactAndRoundTrips(t *testing.T) {
	for size, want := range map[ByteSize]string{
		0:          "0",
		512:        "512",
		1000:       "1000",
		KB:         "1KB",
		16 * MB:    "16MB",
		MB + 1:     "1048577",
		1536 * KB:  "1536KB",
		GB:         "1GB",
		128 * MB:   "128MB",
		3 * TB:     "3TB",
		64 * MB:    "64MB",
		2*GB + 512: "2147484160",
	} {
		if got := size.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int64(size), got, want)
		}
		back, err := ParseByteSize(size.String())
		if err != nil || back != size {
			t.Errorf("%q parsed back as %d, %v", size.String(), back, err)
		}
	}
}

func TestSyncPolicyReadsNeverAndDurations(t *testing.T) {
	for in, want := range map[string]SyncPolicy{
		"never": {Never: true},
		"NEVER": {Never: true},
		"0s":    {},
		"0":     {},
		"100ms": {Period: 100 * time.Millisecond},
		"2s":    {Period: 2 * time.Second},
	} {
		var got SyncPolicy
		if err := got.UnmarshalText([]byte(in)); err != nil {
			t.Errorf("%q: %v", in, err)
		} else if got != want {
			t.Errorf("%q = %+v, want %+v", in, got, want)
		}
	}
	for _, in := range []string{"", "sometimes", "100", "-1s"} {
		var p SyncPolicy
		if err := p.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("%q accepted as %+v", in, p)
		}
	}
}

func TestSyncPolicyAlwaysAndString(t *testing.T) {
	for _, c := range []struct {
		p      SyncPolicy
		always bool
		text   string
	}{
		{SyncPolicy{}, true, "0s"},
		{SyncPolicy{Period: 100 * time.Millisecond}, false, "100ms"},
		{SyncPolicy{Never: true}, false, "never"},
	} {
		if c.p.Always() != c.always || c.p.String() != c.text {
			t.Errorf("%+v: Always=%v String=%q, want %v %q", c.p, c.p.Always(), c.p.String(), c.always, c.text)
		}
	}
}
