package main

import (
	"fmt"
	"io"
	"sort"
)

// tally is the verdict of a run.
type tally struct {
	Kills    int
	Acked    int // ids the server acknowledged
	Unacked  int // ids sent whose acknowledgement a kill cut off
	Stored   int // of those, how many were stored after all
	Confirms int // closes answered
	Drained  int // found in the queue at the end
	// Lost: acknowledged, never delivered, not in the queue.
	Lost int
	// Dup: delivered more than once after a read was open at a kill
	// (at-least-once); DupUnexpected: more than once otherwise.
	Dup, DupUnexpected int
	Phantom            int
	Abandoned          int // reads whose reader hung up on purpose
	examples           []string
}

// Pass is the harness' criterion: nothing lost, nothing made up, no
// duplicate that at-least-once does not excuse.
func (t tally) Pass() bool { return t.Lost == 0 && t.Phantom == 0 && t.DupUnexpected == 0 }

func (l *ledger) tally(kills int) tally {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := tally{Kills: kills, Phantom: len(l.phantoms), Abandoned: l.abandoned}
	t.examples = append(t.examples, l.phantoms[:min(len(l.phantoms), 5)]...)
	ids := make([]string, 0, len(l.ids))
	for id := range l.ids {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		e := l.ids[id]
		t.Confirms += e.confirms
		t.Drained += e.drained
		if e.acked {
			t.Acked++
		} else {
			t.Unacked++
			if e.deliveries() > 0 {
				t.Stored++
			}
		}
		switch d := e.deliveries(); {
		case d == 0 && e.acked:
			t.Lost++
			t.example("lost " + id)
		case d > 1 && e.openAtKill:
			t.Dup++
		case d > 1:
			t.DupUnexpected++
			t.example(fmt.Sprintf("%s delivered %d times (%+v)", id, d, *e))
		}
	}
	return t
}

func (t *tally) example(s string) {
	if len(t.examples) < 20 {
		t.examples = append(t.examples, s)
	}
}

// write prints the RESULT line and, when the run failed, examples.
func (t tally) write(w io.Writer, label string) {
	fmt.Fprintf(w, "RESULT %s kills=%d acked=%d lost=%d dup=%d dup_unexpected=%d phantom=%d "+
		"confirmed=%d drained=%d unacked=%d unacked_stored=%d abandoned=%d pass=%v\n",
		label, t.Kills, t.Acked, t.Lost, t.Dup, t.DupUnexpected, t.Phantom,
		t.Confirms, t.Drained, t.Unacked, t.Stored, t.Abandoned, t.Pass())
	for _, e := range t.examples {
		fmt.Fprintln(w, "  ", e)
	}
}
