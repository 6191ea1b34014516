package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kestrel-go/kestrel/persistence"
)

// qdump prints the operations of journal files, one per line with its
// offset in hex, like Kestrel's qdump.sh, then what the journal adds up to.
func qdump(args []string, out io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(out, "usage: kestrel qdump <journal file> ...")
		if len(args) == 0 {
			return errors.New("qdump: no journal file given")
		}
		return nil
	}
	w := bufio.NewWriter(out)
	defer w.Flush()
	for _, path := range args {
		if err := dumpJournal(path, w); err != nil {
			return err
		}
	}
	return nil
}

// dumpState follows the queue through the operations, sizes only, to
// print the totals Kestrel's qdump prints.
type dumpState struct {
	sizes   []int
	open    map[int32]int
	lastXid int32
}

func dumpJournal(path string, w *bufio.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("qdump: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("qdump: %w", err)
	}
	st := &dumpState{open: map[int32]int{}}
	r := persistence.NewReader(f, info.Size())
	ops := 0
	for {
		offset := r.Offset()
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintf(w, "%08x  unreadable: %v\n", offset, err)
			break
		}
		ops++
		fmt.Fprintf(w, "%08x  %s\n", offset, st.apply(rec))
	}
	items, bytes := st.totals()
	fmt.Fprintf(w, "Journal size: %d bytes, with %d operations.\n", r.Offset(), ops)
	fmt.Fprintf(w, "%d items totalling %d bytes.\n", items, bytes)
	return nil
}

// apply follows one operation and describes it in Kestrel's words.
func (s *dumpState) apply(r persistence.Record) string {
	switch r.Op {
	case persistence.OpAdd, persistence.OpAddX, persistence.OpAddXid:
		s.sizes = append(s.sizes, len(r.Data))
		return "ADD " + describeItem(r)
	case persistence.OpContinue:
		delete(s.open, r.Xid)
		s.sizes = append(s.sizes, len(r.Data))
		return "CON " + describeItem(r)
	case persistence.OpRemove:
		s.pop()
		return "REM"
	case persistence.OpRemoveTentative, persistence.OpRemoveTentativeXid:
		xid := r.Xid
		if xid == 0 {
			xid = s.lastXid + 1
		}
		s.lastXid = xid
		s.open[xid] = s.pop()
		return fmt.Sprintf("RSV %d", xid)
	case persistence.OpSaveXid:
		s.lastXid = r.Xid
		return fmt.Sprintf("XID %d", r.Xid)
	case persistence.OpUnremove:
		if n, ok := s.open[r.Xid]; ok {
			delete(s.open, r.Xid)
			s.sizes = append([]int{n}, s.sizes...)
		}
		return fmt.Sprintf("CAN %d", r.Xid)
	case persistence.OpConfirmRemove:
		delete(s.open, r.Xid)
		return fmt.Sprintf("ACK %d", r.Xid)
	}
	return r.Op.String()
}

func (s *dumpState) pop() int {
	if len(s.sizes) == 0 {
		return 0
	}
	n := s.sizes[0]
	s.sizes = s.sizes[1:]
	return n
}

func (s *dumpState) totals() (items, bytes int) {
	for _, n := range s.sizes {
		bytes += n
	}
	for _, n := range s.open {
		bytes += n
	}
	return len(s.sizes) + len(s.open), bytes
}

func describeItem(r persistence.Record) string {
	line := fmt.Sprintf("%-6d", len(r.Data))
	if r.Op == persistence.OpAddXid || r.Op == persistence.OpContinue {
		line += fmt.Sprintf(" xid=%d", r.Xid)
	}
	if r.Expiry != 0 {
		if left := time.Until(time.UnixMilli(r.Expiry)); left < 0 {
			line += " expired"
		} else {
			line += " exp=" + left.Round(time.Millisecond).String()
		}
	}
	return line
}
