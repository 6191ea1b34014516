package main

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// entry is what the harness knows of one id.
type entry struct {
	acked bool // the server answered STORED
	// confirms counts closes the server answered; unanswered counts closes
	// sent whose connection a kill cut before the answer (the close may or
	// may not have reached the journal); drained counts finds in the final
	// drain.
	confirms, unanswered, drained int
	// openAtKill: a read of this id was open when a kill cut its
	// connection, so the item may come back once more (at-least-once).
	openAtKill bool
}

// deliveries is how many times the id reached a consumer for good.
func (e *entry) deliveries() int { return e.confirms + e.unanswered + e.drained }

// ledger records every id sent and every id received, across kills.
type ledger struct {
	mu       sync.Mutex
	ids      map[string]*entry
	phantoms []string // received but never sent, or with a corrupt payload
	// abandoned counts reads whose reader hung up on purpose.
	abandoned int
}

func newLedger() *ledger { return &ledger{ids: map[string]*entry{}} }

func (l *ledger) sent(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids[id] = &entry{}
}

func (l *ledger) acked(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids[id].acked = true
}

// received checks an item handed out and returns its id, or "" for a
// phantom (recorded).
func (l *ledger) received(data []byte) string {
	id, ok := parseItem(data)
	l.mu.Lock()
	defer l.mu.Unlock()
	if ok && l.ids[id] != nil {
		return id
	}
	if len(l.phantoms) < 1000 {
		l.phantoms = append(l.phantoms, fmt.Sprintf("%.60q", data))
	}
	return ""
}

// note applies f to the entry of id under the lock.
func (l *ledger) note(id string, f func(e *entry)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(l.ids[id])
}

func (l *ledger) confirmed(id string)  { l.note(id, func(e *entry) { e.confirms++ }) }
func (l *ledger) openAtKill(id string) { l.note(id, func(e *entry) { e.openAtKill = true }) }
func (l *ledger) drained(id string)    { l.note(id, func(e *entry) { e.drained++ }) }

// closeCut records a close whose answer a kill cut off.
func (l *ledger) closeCut(id string) {
	l.note(id, func(e *entry) { e.unanswered++; e.openAtKill = true })
}

func (l *ledger) abandon() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.abandoned++
}

// item builds the payload of id: the id, a space, and filler of a length
// the id decides, so that any corruption shows.
func item(id string, size int) []byte {
	b := make([]byte, 0, len(id)+1+size)
	b = append(append(b, id...), ' ')
	for i := range size {
		b = append(b, 'a'+byte((len(id)+i)%26))
	}
	return b
}

// parseItem returns the id of a well-formed payload.
func parseItem(data []byte) (string, bool) {
	id, filler, ok := strings.Cut(string(data), " ")
	if !ok || string(item(id, len(filler))) != string(data) {
		return "", false
	}
	return id, true
}

// idOf names the seq-th item of writer w.
func idOf(w, seq int) string { return "w" + strconv.Itoa(w) + "-" + strconv.Itoa(seq) }
