package client

import (
	"context"
	"testing"
	"time"
)

func TestLaneOfAnOpenReadWaitsForItsCall(t *testing.T) {
	p := newLanePool()
	ctx := context.Background()
	l, _ := p.take(ctx, false)
	got := make(chan error, 1)
	go func() { got <- p.takeLane(ctx, l) }()
	select {
	case <-got:
		t.Fatal("took a lane still in use")
	case <-time.After(50 * time.Millisecond):
	}
	p.give(l)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	p.give(l)
	if again, _ := p.take(ctx, false); again != l {
		t.Fatalf("an idle lane was not reused: lane %d, want %d", again.id, l.id)
	}
}

func TestPlainGetAvoidsLaneHoldingOpenReads(t *testing.T) {
	p := newLanePool()
	ctx := context.Background()
	l, _ := p.take(ctx, false)
	p.opened(l, 1, time.Minute)
	p.give(l)
	if clean, _ := p.take(ctx, true); clean == l {
		t.Fatal("a plain get was given the lane holding an open read")
	}
	if any, _ := p.take(ctx, false); any != l {
		t.Fatal("a put was not given the idle lane")
	}
}

func TestLanesAreBounded(t *testing.T) {
	p := newLanePool()
	for range maxLanes {
		if _, err := p.take(context.Background(), false); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := p.take(ctx, false); err == nil {
		t.Fatalf("took lane %d of at most %d", maxLanes+1, maxLanes)
	}
}
