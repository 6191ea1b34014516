package actors

import (
	"fmt"
	"sort"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/kestrel-go/kestrel/persistence"
)

// Journal rotation and packing, for a queue that falls behind and stays
// behind: its journal would otherwise grow forever, since it never empties.
//
// While reading behind, the queue rotates its journal after every
// max_memory_size of writes and notes a checkpoint: what the queue held at
// that moment (the open reads, and the order of the queued items, named by
// seq). Once read-behind has read past a rotated file, every item of that
// checkpoint still queued is in memory or open, so the files up to it can
// be replaced by one file that rebuilds the checkpoint's state: the open
// reads, then the checkpoint's items in order, each with its data if it is
// still alive, or as an empty placeholder if it was consumed since (a
// later REMOVE in the newer files will consume the placeholder on replay,
// exactly as it consumed the item). The packer actor writes that file
// while the queue goes on serving, and reports back by message.

type packState struct {
	checkpoints []*checkpoint
	packer      *actor.PID
	running     bool
	wanted      bool // look for a pack at the end of the batch
}

type checkpoint struct {
	file       string // the rotated file: it and all before it are packed
	lastXid    int32
	open       []item   // reads open at the rotation
	order      []uint64 // seqs of the items in memory then, head first
	behindFrom uint64   // then the items behind: seqs behindFrom..lastSeq
	lastSeq    uint64
}

// packRequest asks the packer to run a pack; packDone is its answer.
type packRequest struct{ pack *persistence.Pack }
type packDone struct {
	start time.Time
	err   error
}

// packerActor runs packs one at a time, beside its queue.
type packerActor struct{}

func (p *packerActor) Receive(ctx actor.Context) {
	if req, ok := ctx.Message().(*packRequest); ok {
		start := time.Now()
		ctx.Send(ctx.Parent(), &packDone{start: start, err: req.pack.Run(nil)})
	}
}

func (q *queueActor) startPacker(ctx actor.Context) {
	q.packing = packState{packer: ctx.Spawn(actor.PropsFromProducer(func() actor.Actor { return &packerActor{} }))}
}

// waitForPacker lets a pack under way finish before the journal's files go
// away (delete) or the queue stops.
func (q *queueActor) waitForPacker() {
	if q.packing.packer != nil {
		_ = q.sys.root.PoisonFuture(q.packing.packer).Wait()
		q.packing = packState{}
	}
}

// maybeRotate starts a new journal file after max_memory_size of writes
// while reading behind.
func (q *queueActor) maybeRotate() {
	if q.behind == nil || q.journal == nil || q.journal.Size() < int64(q.cfg.MaxMemorySize) {
		return
	}
	cp := q.checkpoint()
	name, err := q.journal.Rotate()
	if err != nil {
		q.log.Error("journal rotation failed", "err", err)
		return
	}
	cp.file = name
	q.packing.checkpoints = append(q.packing.checkpoints, cp)
	q.stats.journalRotations.Add(1)
}

func (q *queueActor) checkpoint() *checkpoint {
	cp := &checkpoint{lastXid: q.lastXid, lastSeq: q.lastSeq, behindFrom: q.lastSeq + 1}
	if q.behind != nil {
		cp.behindFrom = q.behindNext
	}
	for _, it := range q.open {
		cp.open = append(cp.open, it)
	}
	sort.Slice(cp.open, func(i, j int) bool { return cp.open[i].seq < cp.open[j].seq })
	cp.order = make([]uint64, 0, q.items.len())
	q.items.each(func(it *item) { cp.order = append(cp.order, it.seq) })
	return cp
}

// maybePack hands the packer the latest checkpoint that read-behind has
// passed; the ones before it are covered by it. The pack is built from the
// queue in memory, so only between batches, when memory holds exactly what
// the journal does: built while a batch is unwritten, it could record as
// consumed an item whose removal a crash then never journals.
func (q *queueActor) maybePack() {
	p := &q.packing
	if q.flushQueued || (q.journal != nil && q.journal.Pending() > 0) {
		p.wanted = true
		return
	}
	p.wanted = false
	if p.running || p.packer == nil || len(p.checkpoints) == 0 || q.journal == nil {
		return
	}
	last := -1
	for i, cp := range p.checkpoints {
		if q.behind == nil || q.behind.Beyond(cp.file) {
			last = i
		}
	}
	if last < 0 {
		return
	}
	cp := p.checkpoints[last]
	p.checkpoints = p.checkpoints[last+1:]
	pack, err := q.journal.NewPack(cp.file, q.packRecords(cp))
	if err != nil {
		q.log.Error("journal pack not started", "err", err)
		return
	}
	p.running = true
	q.log.Info("packing journal files", "up_to", cp.file)
	q.sys.root.Send(p.packer, &packRequest{pack: pack})
}

// packRecords rebuilds a checkpoint's state (see the top of this file).
func (q *queueActor) packRecords(cp *checkpoint) []persistence.Record {
	alive := make(map[uint64]item, q.items.len()+len(q.open))
	q.items.each(func(it *item) { alive[it.seq] = *it })
	for _, it := range q.open {
		alive[it.seq] = it
	}
	records := []persistence.Record{{Op: persistence.OpSaveXid, Xid: cp.lastXid}}
	for _, it := range cp.open {
		records = itemRecords(records, it, true)
	}
	add := func(seq uint64) {
		// The zero item, a placeholder, if consumed since.
		records = itemRecords(records, alive[seq], false)
	}
	for _, seq := range cp.order {
		add(seq)
	}
	for seq := cp.behindFrom; seq <= cp.lastSeq; seq++ {
		add(seq)
	}
	return records
}

// packed takes the packer's report.
func (q *queueActor) packed(msg *packDone) {
	q.packing.running = false
	if msg.err != nil {
		// Every step leaves replayable files: nothing is lost, the files
		// just stay until a later pack or the queue empties.
		q.log.Error("journal pack failed", "err", msg.err)
	} else {
		q.stats.journalRewrites.Add(1)
		q.log.Info("journal packed")
	}
	if q.journal != nil {
		q.journal.Packed(msg.start, msg.err)
		q.stats.logsize.Store(q.journal.TotalSize())
	}
	q.maybePack()
}

// afterReplay makes files left rotated by an earlier run packable: with
// everything in memory the journal is simply rewritten; reading behind, the
// journal rotates now, so that the next pack covers all the older files.
func (q *queueActor) afterReplay() error {
	if q.journal == nil || q.journal.TotalSize() == q.journal.Size() {
		return nil
	}
	if q.behind == nil {
		return q.rewriteJournal()
	}
	cp := q.checkpoint()
	name, err := q.journal.Rotate()
	if err != nil {
		return err
	}
	cp.file = name
	q.packing.checkpoints = append(q.packing.checkpoints, cp)
	return nil
}

// compact rewrites the journal to the queue's state alone, every item in
// it (for the offline qpack tool: the whole backlog passes through memory).
func (q *queueActor) compact(req *compactRequest) {
	if q.journal == nil {
		req.answer(reply{kind: replyDone})
		return
	}
	q.waitForPacker()
	q.flushJournal()
	if err := q.rewriteJournal(); err != nil {
		req.answer(reply{kind: replyError, err: err})
		return
	}
	req.answer(reply{kind: replyDone})
}

// Compact rewrites queue's journal files into one holding only its state.
func (s *System) Compact(queue string) error {
	ch := make(chan reply, 1)
	s.root.Send(s.manager, &compactRequest{requestBase{queue: queue, reply: ch}})
	r := <-ch
	switch r.kind {
	case replyError:
		return r.err
	case replyUnknown:
		return fmt.Errorf("queue %s: no journal in %s", queue, s.Config().QueuePath)
	}
	return nil
}
