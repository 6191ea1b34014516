package memcache

import (
	"strings"
	"testing"
)

func TestReplies(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"value", AppendValueItem(nil, "work/t=500/open", []byte("a\r\nb")), "VALUE work/t=500/open 0 4\r\na\r\nb\r\n"},
		{"empty value", AppendValueItem(nil, "q", nil), "VALUE q 0 0\r\n\r\n"},
		{"value then end", AppendEnd(AppendValueItem([]byte("x"), "q", []byte("1"))), "xVALUE q 0 1\r\n1\r\nEND\r\n"},
		{"end", AppendEnd(nil), "END\r\n"},
		{"line", AppendLine(nil, ReplyStored), "STORED\r\n"},
		{"flushed", AppendLine(nil, ReplyFlushedAll), "Flushed all queues.\r\n"},
		{"client error", AppendClientError(nil, "bad exptime \"x\""), "CLIENT_ERROR bad exptime \"x\"\r\n"},
		{"client error sanitised", AppendClientError(nil, "a\r\nEND\nb\rc"), "CLIENT_ERROR a  END b c\r\n"},
		{"client error no reason", AppendClientError(nil, ""), "CLIENT_ERROR\r\n"},
		{"server error", AppendServerError(nil, "read_only"), "SERVER_ERROR read_only\r\n"},
		{"server error sanitised", AppendServerError(nil, "disk\r\nfull"), "SERVER_ERROR disk  full\r\n"},
		{"stat", AppendStat(nil, "queue_q_items", "12"), "STAT queue_q_items 12\r\n"},
	}
	for _, tt := range tests {
		if string(tt.got) != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestReplyClientErrorRoundTrip(t *testing.T) {
	// Whatever a client sends, the reason it earns stays on one line.
	_, err := parseAll(strings.NewReader("get q/\x00\r\n"), testMax)
	ce, ok := err.(*ClientError)
	if !ok {
		t.Fatalf("error %v", err)
	}
	if got := string(AppendClientError(nil, ce.Reason)); got != "CLIENT_ERROR control byte in name \"q/\\x00\"\r\n" {
		t.Errorf("got %q", got)
	}
}

func TestReplyAllocs(t *testing.T) {
	buf := make([]byte, 0, 256)
	data := []byte("payload")
	n := testing.AllocsPerRun(100, func() {
		b := AppendValueItem(buf[:0], "work/open", data)
		b = AppendEnd(b)
		b = AppendStat(b, "curr_items", "3")
		_ = AppendClientError(b, "x")
	})
	if n != 0 {
		t.Errorf("%v allocations per reply, want 0", n)
	}
}
