package remote

import (
	"context"
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/kestrel-go/kestrel/actors"
	"github.com/kestrel-go/kestrel/protocol/remote/wire"
)

// put stores the items in order and stops at the first one the queue
// refuses, as Kestrel's thrift put does: the count says how many went in.
func (s *sessionActor) put(m *wire.Put) wire.Message {
	if len(m.Items) > MaxBatch {
		return faultf(wire.CodeTooLarge, "put of %d items: at most %d in one request", len(m.Items), MaxBatch)
	}
	if total, limit := batchBytes(m.Items), int64(s.queues.Config().MaxRequestBytes); total > limit {
		return faultf(wire.CodeTooLarge, "put of %d bytes: max_request_bytes is %d", total, limit)
	}
	if m.ExpirationMsec < 0 {
		return faultf(wire.CodeBadRequest, "expiration_msec %d is negative", m.ExpirationMsec)
	}
	var expiry time.Time
	if m.ExpirationMsec > 0 {
		expiry = time.Now().Add(time.Duration(m.ExpirationMsec) * time.Millisecond)
	}
	n := 0
	for _, data := range m.Items {
		stored, err := s.sess.Put(m.Queue, data, expiry, true)
		if err != nil && n == 0 {
			return fault(err)
		}
		if err != nil || !stored {
			break
		}
		n++
	}
	return &wire.Count{N: int32(n)}
}

func batchBytes(items [][]byte) int64 {
	var n int64
	for _, it := range items {
		n += int64(len(it))
	}
	return n
}

// get fetches up to max_items items. With a timeout it waits until it has
// them all or the time is up; the reply stops growing once it holds
// max_request_bytes.
func (s *sessionActor) get(m *wire.Get) wire.Message {
	if f := checkGet(m); f != nil {
		return f
	}
	how := actors.Read{
		Open:      m.AutoAbortMsec > 0,
		AutoAbort: time.Duration(m.AutoAbortMsec) * time.Millisecond,
		MaxOpen:   max(s.queues.Config().MaxOpenTransactions, MaxBatch),
	}
	var deadline time.Time
	if m.TimeoutMsec > 0 {
		deadline = time.Now().Add(time.Duration(m.TimeoutMsec) * time.Millisecond)
	}
	limit := int64(s.queues.Config().MaxRequestBytes)
	reply := &wire.Items{}
	for bytes := int64(0); len(reply.Items) < int(max(m.MaxItems, 1)) && bytes < limit; {
		if !deadline.IsZero() {
			if how.Timeout = time.Until(deadline); how.Timeout <= 0 {
				break
			}
		}
		it, found, err := s.getOne(m.Queue, how)
		if err != nil && len(reply.Items) == 0 {
			return fault(err)
		}
		if err != nil || !found {
			break
		}
		reply.Items = append(reply.Items, wire.Item{Data: it.Data, ID: int64(it.ID)})
		bytes += int64(len(it.Data))
	}
	return reply
}

func checkGet(m *wire.Get) *wire.Fault {
	switch {
	case m.MaxItems > MaxBatch:
		return faultf(wire.CodeTooLarge, "get of %d items: at most %d in one request", m.MaxItems, MaxBatch)
	case m.TimeoutMsec < 0:
		return faultf(wire.CodeBadRequest, "timeout_msec %d is negative", m.TimeoutMsec)
	case m.AutoAbortMsec < 0:
		return faultf(wire.CodeBadRequest, "auto_abort_msec %d is negative", m.AutoAbortMsec)
	}
	return nil
}

// getOne takes one item. A session refuses a plain get on a queue where
// it holds open reads (the memcache rule); the thrift API has no such
// rule, so the item is then taken as an open read and confirmed at once.
func (s *sessionActor) getOne(queue string, how actors.Read) (actors.Item, bool, error) {
	it, found, err := s.sess.GetItem(queue, how, s.park)
	if !errors.Is(err, actors.ErrReadStillOpen) {
		return it, found, err
	}
	how.Open, how.AutoAbort = true, 0
	how.MaxOpen = s.sess.OpenReads(queue) + 1
	it, found, err = s.sess.GetItem(queue, how, s.park)
	if err != nil || !found {
		return it, found, err
	}
	if _, err := s.sess.ConfirmIDs(queue, []int32{it.ID}); err != nil {
		return actors.Item{}, false, err
	}
	return actors.Item{Data: it.Data}, true, nil
}

// park lets a waiting get end when the client goes away.
func (s *sessionActor) park() (context.Context, func()) { return s.ctx, func() {} }

// settle confirms or aborts the open reads named by ids.
func (s *sessionActor) settle(queue string, ids []int64, by func(string, []int32) (int, error)) wire.Message {
	if limit := max(s.queues.Config().MaxOpenTransactions, MaxBatch); len(ids) > limit {
		return faultf(wire.CodeTooLarge, "%d ids: a session holds at most %d open reads on a queue", len(ids), limit)
	}
	xids := make([]int32, 0, len(ids))
	for _, id := range ids {
		if id >= math.MinInt32 && id <= math.MaxInt32 {
			xids = append(xids, int32(id)) // others were never handed out
		}
	}
	n, err := by(queue, xids)
	if err != nil && n == 0 {
		return fault(err)
	}
	return &wire.Count{N: int32(n)}
}

// peek describes queue with the figures of its stats.
func (s *sessionActor) peek(m *wire.Peek) wire.Message {
	head, found, err := s.sess.GetItem(m.Queue, actors.Read{Peek: true}, nil)
	if err != nil {
		return fault(err)
	}
	info := &wire.QueueInfo{}
	if found {
		info.HeadItem = head.Data
	}
	for _, q := range s.queues.Report().Queues {
		if q.Name == m.Queue {
			fillInfo(info, q.Stats)
			break
		}
	}
	return info
}

func fillInfo(info *wire.QueueInfo, stats []actors.Stat) {
	for _, st := range stats {
		n, _ := strconv.ParseInt(st.Value, 10, 64)
		switch st.Name {
		case "items":
			info.Items = n
		case "bytes":
			info.Bytes = n
		case "logsize":
			info.JournalBytes = n
		case "head_age_msec":
			info.Age = n
		case "waiters":
			info.Waiters = int32(n)
		case "open_transactions":
			info.OpenTransactions = int32(n)
		}
	}
}
