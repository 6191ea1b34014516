package main

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func ioReadFull(r *bufio.Reader, buf []byte) (int, error) { return io.ReadFull(r, buf) }

// TestKill9LosesNothingAcknowledged runs writers, a plain reader and an open
// reader against a server subprocess, kills it with SIGKILL mid-load,
// restarts it, and checks that every acknowledged item not consumed before
// the kill is served exactly once, in each writer's order.
func TestKill9LosesNothingAcknowledged(t *testing.T) {
	for _, sync := range []string{"never", "0s"} {
		t.Run("sync_journal="+sync, func(t *testing.T) {
			kill9Round(t, "KESTREL_DEFAULT__SYNC_JOURNAL="+sync)
		})
	}
	// A queue far past max_memory_size, read back from its journal.
	t.Run("read-behind", func(t *testing.T) { kill9Round(t, "KESTREL_DEFAULT__MAX_MEMORY_SIZE=1KB") })
}

func kill9Round(t *testing.T, env ...string) {
	dir := t.TempDir()
	port := freePort(t)
	args := []string{"--queue-path=" + dir, fmt.Sprintf("--memcache-port=%d", port)}
	p := startProcess(t, env, args...)

	const writers = 4
	acked := make([][]string, writers)
	var consumed []string
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := dial(t, p.addr)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%d-%d", w, i)
				if c.set("crash", id) != nil {
					return
				}
				mu.Lock()
				acked[w] = append(acked[w], id)
				mu.Unlock()
			}
		}(w)
	}
	// A plain reader: what it got is gone for good. It stops before the
	// kill, since a get whose reply the kill cuts off is lost by design
	// (that is what reliable reads are for).
	stopReader, readerDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(readerDone)
		c := dial(t, p.addr)
		for {
			select {
			case <-stopReader:
				return
			default:
			}
			id, ok, err := c.get("crash")
			if err != nil {
				t.Errorf("reader: %v", err)
				return
			}
			if ok {
				mu.Lock()
				consumed = append(consumed, id)
				mu.Unlock()
			}
		}
	}()
	opener := dial(t, p.addr)
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked[0]) > 200 })
	held, ok, err := opener.get("crash/open")
	if err != nil || !ok {
		t.Fatalf("open read: %q %v %v", held, ok, err)
	}
	waitUntil(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked[0]) > 400 })
	close(stopReader)
	<-readerDone

	p.kill()
	close(stop)
	wg.Wait()

	p = startProcess(t, env, args...)
	c := dial(t, p.addr)
	var after []string
	for {
		id, ok, err := c.get("crash")
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		after = append(after, id)
	}
	if len(after) == 0 || after[0] != held {
		t.Errorf("first item after restart %q, want the open read %q back at the head", first(after), held)
	}
	checkExactlyOnce(t, acked, consumed, after)
}

func first(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return s[0]
}

// checkExactlyOnce: every acknowledged id was consumed before the kill or
// served after it, exactly once; ids served after the kill keep each
// writer's order; anything unacknowledged that appears was really written.
func checkExactlyOnce(t *testing.T, acked [][]string, consumed, after []string) {
	t.Helper()
	seen := map[string]int{}
	for _, id := range consumed {
		seen[id]++
	}
	lastIndex := map[string]int{}
	for _, id := range after {
		seen[id]++
		w, i := parseID(t, id)
		if prev, ok := lastIndex[w]; ok && i < prev {
			t.Errorf("%s served after a later item of its writer", id)
		}
		lastIndex[w] = i
	}
	total := 0
	for w := range acked {
		total += len(acked[w])
		for _, id := range acked[w] {
			if seen[id] != 1 {
				t.Errorf("acknowledged %s seen %d times", id, seen[id])
			}
		}
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s seen %d times", id, n)
		}
	}
	t.Logf("acknowledged %d, consumed before kill %d, served after restart %d", total, len(consumed), len(after))
}

func parseID(t *testing.T, id string) (string, int) {
	w, n, ok := strings.Cut(id, "-")
	i, err := strconv.Atoi(n)
	if !ok || err != nil {
		t.Fatalf("phantom item %q", id)
	}
	return w, i
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
