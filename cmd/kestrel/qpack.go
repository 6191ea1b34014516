package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/config"
	"github.com/kestrel-go/kestrel/persistence"
)

// qpack packs a stopped queue's journal files offline into one file that
// holds only the queue's state.
func qpack(args []string, out io.Writer) error {
	if len(args) != 2 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(out, "usage: kestrel qpack <queue path> <queue>")
		if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errors.New("qpack: want a queue path and a queue name")
	}
	dir, queue := args[0], args[1]
	names, err := persistence.QueueNames(dir)
	if err != nil {
		return fmt.Errorf("qpack: %w", err)
	}
	if !slices.Contains(names, queue) {
		return fmt.Errorf("qpack: no journal for queue %s in %s", queue, dir)
	}
	before := filesSize(dir, queue)
	if err := compactOffline(dir, queue); err != nil {
		return fmt.Errorf("qpack: %w", err)
	}
	fmt.Fprintf(out, "Packed %s: %d bytes of journal -> %d bytes.\n", queue, before, filesSize(dir, queue))
	return nil
}

// compactOffline brings the queues of dir up without any listener,
// rewrites queue's journal and stops them cleanly.
func compactOffline(dir, queue string) error {
	cfg := config.Defaults()
	cfg.QueuePath = dir
	cfg.StatusFile = filepath.Join(dir, ".status")
	cfg.ExpirationTimerFrequency = 0
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sys, err := actors.Start(cfg, log)
	if err != nil {
		return err
	}
	err = sys.Compact(queue)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return errors.Join(err, sys.Shutdown(ctx))
}

func filesSize(dir, queue string) int64 {
	matches, _ := filepath.Glob(filepath.Join(dir, queue+"*"))
	var total int64
	for _, m := range matches {
		if info, err := os.Stat(m); err == nil && !info.IsDir() {
			total += info.Size()
		}
	}
	return total
}
