package kload

import (
	"strings"
	"testing"
)

func TestFloodItemRoundTrip(t *testing.T) {
	pad := newFloodItem(100)
	item := newFloodItem(100)
	encodeItem(item, 42, 123456789, 987654321)
	if want := "000042 000123456789 000000000987654321 xxx"; !strings.HasPrefix(string(item), want) {
		t.Fatalf("item starts %q, want %q", item[:len(want)], want)
	}
	p, seq, stamp, err := decodeItem(item, pad)
	if err != nil || p != 42 || seq != 123456789 || stamp != 987654321 {
		t.Fatalf("decoded %d/%d@%d, %v", p, seq, stamp, err)
	}
}

func TestFloodItemRejectsCorruption(t *testing.T) {
	pad := newFloodItem(64)
	good := newFloodItem(64)
	encodeItem(good, 1, 2, 3)
	corrupt := func(i int, ch byte) []byte {
		b := append([]byte(nil), good...)
		b[i] = ch
		return b
	}
	cases := []struct {
		item []byte
		want string
	}{
		{good[:63], "item is 63 bytes, sent 64"},
		{corrupt(3, 'z'), "is not one this test sent"},
		{corrupt(producerDigits, '-'), "is not one this test sent"},
		{corrupt(60, 'y'), "item 1/2: body corrupted"},
	}
	for _, tc := range cases {
		if _, _, _, err := decodeItem(tc.item, pad); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", err, tc.want)
		}
	}
}

func TestTracker(t *testing.T) {
	tr := newTracker([]int{3, chunkBits + 10})
	tr.produced[0].Store(3)
	tr.produced[1].Store(chunkBits + 10)
	for _, item := range [][2]int{{0, 0}, {0, 2}, {1, chunkBits + 5}} {
		if err := tr.deliver(item[0], item[1]); err != nil {
			t.Fatalf("deliver %v: %v", item, err)
		}
	}
	if err := tr.deliver(0, 2); err == nil || !strings.Contains(err.Error(), "item 0/2 twice") {
		t.Errorf("duplicate: got %v", err)
	}
	for _, item := range [][2]int{{0, 3}, {2, 0}} {
		if err := tr.deliver(item[0], item[1]); err == nil || !strings.Contains(err.Error(), "no producer sent") {
			t.Errorf("deliver %v: got %v, want an unknown-item error", item, err)
		}
	}
	lost := tr.lost()
	if len(lost) != 2 ||
		lost[0].Error() != "lost 1 of 3 items from producer 0 (first: item 0/1)" ||
		lost[1].Error() != "lost 65545 of 65546 items from producer 1 (first: item 1/0)" {
		t.Errorf("lost = %v", lost)
	}
	if tr.totalProduced() != 3+chunkBits+10 {
		t.Errorf("totalProduced = %d", tr.totalProduced())
	}
}
