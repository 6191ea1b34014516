package text

import "testing"

// The replies of Kestrel's text codec, byte for byte.
func TestReplies(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"item", AppendItem(nil, []byte("hello")), ":hello\n"},
		{"empty item", AppendItem(nil, nil), ":\n"},
		{"no item", AppendNoItem(nil), "*\n"},
		{"count", AppendCount(nil, 23), "+23\n"},
		{"zero", AppendCount([]byte("x"), 0), "x+0\n"},
		{"error", AppendError(nil, "Bad karma"), "-Bad karma\n"},
		{"error sanitised", AppendError(nil, "a\r\n+1\nb"), "-a  +1 b\n"},
	}
	for _, tt := range tests {
		if string(tt.got) != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
