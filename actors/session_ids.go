package actors

// Open reads by id, for protocols that name the reads they settle (the
// remote API) instead of settling the oldest.

// ConfirmIDs confirms the open reads of queue with these ids and says how
// many it held.
func (s *Session) ConfirmIDs(queue string, ids []int32) (int, error) {
	return s.settleIDs(queue, ids, func(read openRead) queueRequest {
		return &confirmRequest{requestBase: s.base(queue), xid: read.xid, owner: read.owner}
	})
}

// AbortIDs returns the open reads of queue with these ids to the head of
// the queue and says how many it held.
func (s *Session) AbortIDs(queue string, ids []int32) (int, error) {
	if err := s.sys.allowRead(); err != nil {
		return 0, err
	}
	return s.settleIDs(queue, ids, func(read openRead) queueRequest {
		return &abortRequest{requestBase: s.base(queue), xid: read.xid, owner: read.owner}
	})
}

func (s *Session) settleIDs(queue string, ids []int32, request func(openRead) queueRequest) (int, error) {
	s.forgetExpired()
	done := 0
	for _, id := range ids {
		read, ok := s.takeOpen(queue, id)
		if !ok {
			continue
		}
		r := s.call(request(read))
		if r.kind == replyError {
			return done, r.err
		}
		if r.kind == replyDone {
			done++
		}
	}
	return done, nil
}

// takeOpen forgets the open read id of queue, as popOpen does the oldest.
func (s *Session) takeOpen(queue string, id int32) (openRead, bool) {
	reads := s.open[queue]
	for i, read := range reads {
		if read.xid != id {
			continue
		}
		if len(reads) == 1 {
			delete(s.open, queue)
		} else {
			s.open[queue] = append(reads[:i:i], reads[i+1:]...)
		}
		s.sys.root.Send(s.conn, &txnSettled{read})
		return read, true
	}
	return openRead{}, false
}
