package memcache

import "strconv"

// Fixed reply lines, without their \r\n.
const (
	ReplyStored     = "STORED"
	ReplyNotStored  = "NOT_STORED"
	ReplyDeleted    = "DELETED"
	ReplyEnd        = "END"
	ReplyError      = "ERROR"
	ReplyFlushedAll = "Flushed all queues."
	ReplyReloaded   = "Reloaded config."
)

const crlf = "\r\n"

// AppendValueItem appends one item of a get reply:
// "VALUE <key> 0 <n>\r\n<data>\r\n". The caller ends the reply with
// AppendEnd. The key must be one the parser accepted (no spaces or control
// bytes), which every Request.Key is.
func AppendValueItem(b []byte, key string, data []byte) []byte {
	b = append(b, "VALUE "...)
	b = append(b, key...)
	b = append(b, " 0 "...)
	b = strconv.AppendInt(b, int64(len(data)), 10)
	b = append(b, crlf...)
	b = append(b, data...)
	return append(b, crlf...)
}

// AppendEnd appends "END\r\n", which closes a get, stats or dump reply.
func AppendEnd(b []byte) []byte {
	return append(b, ReplyEnd+crlf...)
}

// AppendLine appends s and \r\n. s is trusted to hold no line break.
func AppendLine(b []byte, s string) []byte {
	b = append(b, s...)
	return append(b, crlf...)
}

// AppendClientError appends "CLIENT_ERROR <reason>\r\n".
func AppendClientError(b []byte, reason string) []byte {
	return appendError(b, "CLIENT_ERROR", reason)
}

// AppendServerError appends "SERVER_ERROR <reason>\r\n".
func AppendServerError(b []byte, reason string) []byte {
	return appendError(b, "SERVER_ERROR", reason)
}

// appendError writes kind and reason on one line. Line breaks in reason
// become spaces: a reason may carry text from elsewhere, and a stray \r\n
// would let it forge a reply of its own.
func appendError(b []byte, kind, reason string) []byte {
	b = append(b, kind...)
	if reason != "" {
		b = append(b, ' ')
		for i := 0; i < len(reason); i++ {
			c := reason[i]
			if c == '\r' || c == '\n' {
				c = ' '
			}
			b = append(b, c)
		}
	}
	return append(b, crlf...)
}

// AppendStat appends "STAT <name> <value>\r\n".
func AppendStat(b []byte, name, value string) []byte {
	b = append(b, "STAT "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, value...)
	return append(b, crlf...)
}
