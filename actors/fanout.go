package actors

import (
	"strings"
	"sync"
)

// An item put into a parent queue `a` is also put into each of its fanout
// children `a+b`, and one put into an alias goes to each of the alias's
// destination queues. The client's answer waits, through a fanoutJoin,
// until every queue the item went to has journaled it: an acknowledged
// item survives a crash in every queue it was put into.

type fanoutJoin struct {
	mu      sync.Mutex
	pending int
	to      chan<- reply
	result  reply
	stored  bool // the answer is STORED if any queue that counts stored it
}

func newFanoutJoin(to chan<- reply, copies int) *fanoutJoin {
	return &fanoutJoin{pending: copies, to: to, result: reply{kind: replyNotStored}}
}

// done records one queue's answer. counts says whether that answer decides
// the client's: the parent's does, a fanout child's does not (a full child
// misses the item, as in Kestrel); every alias destination counts.
func (j *fanoutJoin) done(r reply, counts bool) {
	j.mu.Lock()
	switch {
	case r.kind == replyError && j.result.kind != replyError:
		j.result = r
	case counts && r.kind == replyDone && j.result.kind != replyError:
		j.result = r
	}
	j.pending--
	last := j.pending == 0
	j.mu.Unlock()
	if last {
		send(j.to, j.result)
	}
}

// fanoutParent is the parent of a fanout queue name, or "".
func fanoutParent(name string) string {
	parent, _, found := strings.Cut(name, "+")
	if !found {
		return ""
	}
	return parent
}
