// Package persistence reads and writes Kestrel's queue journals: one file
// per queue in Kestrel 2.4's little-endian record format, plus the rotated
// and packed files Kestrel leaves beside it. It knows only about files and
// records; what a record means for a queue is up to the caller.
package persistence

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Opcode is the first byte of every journal record.
type Opcode byte

// Opcodes as Kestrel 2.4's Journal.scala reads them.
const (
	OpAdd                Opcode = 0 // legacy add: expiry in seconds, no add time
	OpRemove             Opcode = 1 // remove the head item
	OpAddX               Opcode = 2 // add at the tail, with add time and expiry in ms
	OpRemoveTentative    Opcode = 3 // legacy reserve of the head item, xid implied
	OpSaveXid            Opcode = 4 // set the last-used transaction id
	OpUnremove           Opcode = 5 // put open transaction xid back at the head
	OpConfirmRemove      Opcode = 6 // finish open transaction xid
	OpAddXid             Opcode = 7 // add an item carrying transaction id xid
	OpContinue           Opcode = 8 // confirm xid and add its item at the tail
	OpRemoveTentativeXid Opcode = 9 // reserve the head item as transaction xid

	// OpDeliveries is Kestrel-Go's own: the item added by the next add
	// record was already handed out and returned Xid times (max_deliveries).
	// Written only for such items; Kestrel cannot read it.
	OpDeliveries Opcode = 16
)

var opcodeNames = [...]string{
	OpAdd:                "ADD",
	OpRemove:             "REMOVE",
	OpAddX:               "ADDX",
	OpRemoveTentative:    "REMOVE_TENTATIVE",
	OpSaveXid:            "SAVE_XID",
	OpUnremove:           "UNREMOVE",
	OpConfirmRemove:      "CONFIRM_REMOVE",
	OpAddXid:             "ADD_XID",
	OpContinue:           "CONTINUE",
	OpRemoveTentativeXid: "REMOVE_TENTATIVE_XID",
	OpDeliveries:         "DELIVERIES",
	OpChecksum:           "CHECKSUM",
}

func (o Opcode) String() string {
	if int(o) < len(opcodeNames) && opcodeNames[o] != "" {
		return opcodeNames[o]
	}
	return fmt.Sprintf("OPCODE(%d)", byte(o))
}

// Record is one journal operation. Times are unix milliseconds; Expiry 0
// means never. Xid is used by SAVE_XID, UNREMOVE, CONFIRM_REMOVE, ADD_XID,
// CONTINUE and REMOVE_TENTATIVE_XID; AddTime, Expiry and Data by the add
// opcodes (ADD, ADDX, ADD_XID, CONTINUE).
type Record struct {
	Op      Opcode
	Xid     int32
	AddTime int64
	Expiry  int64
	Data    []byte
}

// ErrTornRecord means the bytes ended inside a record: the tail of a write
// that never completed.
var ErrTornRecord = errors.New("journal: torn record at end of file")

// CorruptError means the bytes at Offset cannot be a record, so nothing
// after it can be trusted either.
type CorruptError struct {
	Offset int64
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("journal: corrupt record at offset %d: %s", e.Offset, e.Reason)
}

// Sizes of the fixed parts of the layouts.
const (
	xidLen       = 4             // i32 xid
	sizeLen      = 4             // i32 block size
	itemHeadLen  = 16            // i64 add time + i64 expiry
	oldAddHeadLn = 4             // i32 expiry seconds
	maxBlock     = math.MaxInt32 // the size field is a signed i32
	maxItemData  = maxBlock - itemHeadLen
	maxOldData   = maxBlock - oldAddHeadLn
	msPerSecond  = int64(1000)
	maxOldExpiry = math.MaxInt32
	minOldExpiry = math.MinInt32
)

var le = binary.LittleEndian

// AppendRecord encodes r in Kestrel's layout onto buf. It grows buf at most
// once and allocates nothing else. For the legacy OpAdd the expiry is
// written in whole seconds, rounded away from zero so that a set expiry
// never turns into "never". An unknown opcode or data over 2 GiB is a bug in
// the caller and panics.
func AppendRecord(buf []byte, r Record) []byte {
	buf = slices.Grow(buf, encodedLen(r))
	buf = append(buf, byte(r.Op))
	switch r.Op {
	case OpRemove, OpRemoveTentative:
	case OpSaveXid, OpUnremove, OpConfirmRemove, OpRemoveTentativeXid, OpDeliveries:
		buf = le.AppendUint32(buf, uint32(r.Xid))
	case OpAdd:
		checkData(r, maxOldData)
		buf = le.AppendUint32(buf, uint32(oldAddHeadLn+len(r.Data)))
		buf = le.AppendUint32(buf, uint32(expirySeconds(r.Expiry)))
		buf = append(buf, r.Data...)
	case OpAddX:
		buf = appendItem(buf, r)
	case OpAddXid, OpContinue:
		buf = le.AppendUint32(buf, uint32(r.Xid))
		buf = appendItem(buf, r)
	default:
		panic(fmt.Sprintf("persistence: cannot encode %v", r.Op))
	}
	return buf
}

// appendItem writes the block shared by ADDX, ADD_XID and CONTINUE.
func appendItem(buf []byte, r Record) []byte {
	checkData(r, maxItemData)
	buf = le.AppendUint32(buf, uint32(itemHeadLen+len(r.Data)))
	buf = le.AppendUint64(buf, uint64(r.AddTime))
	buf = le.AppendUint64(buf, uint64(r.Expiry))
	return append(buf, r.Data...)
}

func checkData(r Record, limit int) {
	if len(r.Data) > limit {
		panic(fmt.Sprintf("persistence: %v data of %d bytes exceeds the journal's limit of %d", r.Op, len(r.Data), limit))
	}
}

// encodedLen is the number of bytes AppendRecord writes for r.
func encodedLen(r Record) int {
	switch r.Op {
	case OpRemove, OpRemoveTentative:
		return 1
	case OpSaveXid, OpUnremove, OpConfirmRemove, OpRemoveTentativeXid, OpDeliveries:
		return 1 + xidLen
	case OpChecksum:
		return 1 + checksumLen
	case OpAdd:
		return 1 + sizeLen + oldAddHeadLn + len(r.Data)
	case OpAddX:
		return 1 + sizeLen + itemHeadLen + len(r.Data)
	case OpAddXid, OpContinue:
		return 1 + xidLen + sizeLen + itemHeadLen + len(r.Data)
	}
	return 1
}

// expirySeconds converts an expiry in ms to the legacy i32 seconds,
// rounding away from zero and clamping to the i32 range.
func expirySeconds(ms int64) int32 {
	var s int64
	switch {
	case ms > 0:
		s = ms / msPerSecond
		if ms%msPerSecond != 0 {
			s++
		}
	case ms < 0:
		s = ms / msPerSecond
		if ms%msPerSecond != 0 {
			s--
		}
	}
	return int32(min(max(s, minOldExpiry), maxOldExpiry))
}
